//! The language server's transport on stdio: LSP base-protocol framing
//! (`Content-Length: N\r\n\r\n` then N bytes of JSON) read with budgets, so that no
//! input can make the server allocate what it was not sent, wait on a line that never
//! ends, or abort. (`lsp-server`'s own stdio transport allocates the declared length up
//! front: a `Content-Length` of 10^15 aborts the process.)
//!
//! - a header line is at most [`MAX_HEADER_LINE`] bytes, a header at most
//!   [`MAX_HEADERS`] lines;
//! - a body is at most [`MAX_BODY`] bytes (a 16 MiB spec file sent whole, JSON-escaped,
//!   fits; larger documents reach the server and get `check`'s P008), and memory grows
//!   with the bytes that arrive, not with the length declared;
//! - a frame that breaks these rules ends the connection with an error naming why (the
//!   stream cannot be resynchronised after a bad length).

use lsp_server::{Connection, Message};
use std::io::{self, BufRead, Read, Write};

/// Longest header line, in bytes.
pub const MAX_HEADER_LINE: usize = 1024;
/// Most header lines in one frame.
pub const MAX_HEADERS: usize = 32;
/// Largest message body, in bytes.
pub const MAX_BODY: usize = 64 * 1024 * 1024;

/// Reads one frame's body: `Ok(None)` at a clean end of input (before a frame starts).
pub fn read_frame(r: &mut impl BufRead) -> io::Result<Option<Vec<u8>>> {
    let mut length: Option<usize> = None;
    let mut lines = 0;
    loop {
        let mut line = Vec::new();
        let n = r
            .by_ref()
            .take(MAX_HEADER_LINE as u64 + 1)
            .read_until(b'\n', &mut line)?;
        if n == 0 {
            if lines == 0 {
                return Ok(None);
            }
            return Err(invalid("the input ended inside a header"));
        }
        if line.len() > MAX_HEADER_LINE {
            return Err(invalid(&format!(
                "a header line is longer than {MAX_HEADER_LINE} bytes"
            )));
        }
        if line.last() != Some(&b'\n') {
            return Err(invalid("the input ended inside a header"));
        }
        lines += 1;
        if lines > MAX_HEADERS {
            return Err(invalid(&format!("more than {MAX_HEADERS} header lines")));
        }
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(invalid("a header line without `:`"));
        };
        if name.trim().eq_ignore_ascii_case("Content-Length") {
            let value = value.trim();
            let n: u64 = value
                .parse()
                .map_err(|_| invalid("Content-Length is not a number"))?;
            if n > MAX_BODY as u64 {
                return Err(invalid(&format!(
                    "a message of {n} bytes is larger than the limit of {MAX_BODY} bytes"
                )));
            }
            length = Some(n as usize);
        }
    }
    let length = length.ok_or_else(|| invalid("a frame without Content-Length"))?;
    // Grows with what arrives: a declared length is not trusted with memory.
    let mut body = Vec::with_capacity(length.min(1 << 16));
    r.by_ref().take(length as u64).read_to_end(&mut body)?;
    if body.len() < length {
        return Err(invalid("the input ended inside a message"));
    }
    Ok(Some(body))
}

/// Reads one message: `Ok(None)` at the end of input. A body that is not a JSON-RPC
/// message is an error the caller may skip (the framing is intact).
pub fn read_message(r: &mut impl BufRead) -> io::Result<Option<Result<Message, String>>> {
    let Some(body) = read_frame(r)? else {
        return Ok(None);
    };
    Ok(Some(
        serde_json::from_slice::<Message>(&body).map_err(|e| format!("not a message: {e}")),
    ))
}

fn invalid(why: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, why.to_string())
}

/// The reading and writing threads of [`stdio`].
pub struct Threads {
    reader: std::thread::JoinHandle<io::Result<()>>,
    writer: std::thread::JoinHandle<io::Result<()>>,
}

impl Threads {
    /// Waits for both threads; the reader's error (a broken frame) first.
    pub fn join(self) -> io::Result<()> {
        let reader = self
            .reader
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the reader panicked")));
        let writer = self
            .writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the writer panicked")));
        reader.and(writer)
    }
}

/// A connection over stdin and stdout with [`read_frame`]'s budgets.
pub fn stdio() -> io::Result<(Connection, Threads)> {
    let (to_server, from_client) = crossbeam_channel::bounded::<Message>(0);
    let (to_client, from_server) = crossbeam_channel::bounded::<Message>(0);
    let reader = std::thread::Builder::new()
        .name("lsp-reader".into())
        .spawn(move || {
            let stdin = io::stdin();
            let mut stdin = stdin.lock();
            loop {
                match read_message(&mut stdin) {
                    Ok(None) => return Ok(()),
                    Ok(Some(Ok(message))) => {
                        let exit =
                            matches!(&message, Message::Notification(n) if n.method == "exit");
                        if to_server.send(message).is_err() || exit {
                            return Ok(());
                        }
                    }
                    // A body that is not a message: said, skipped; the frame was whole.
                    Ok(Some(Err(why))) => eprintln!("forge-spec lsp: {why}"),
                    Err(e) => {
                        eprintln!("forge-spec lsp: cannot read the client's messages: {e}");
                        return Err(e);
                    }
                }
            }
        })?;
    let writer = std::thread::Builder::new()
        .name("lsp-writer".into())
        .spawn(move || {
            let stdout = io::stdout();
            let mut stdout = stdout.lock();
            for message in from_server {
                message.write(&mut stdout)?;
                stdout.flush()?;
            }
            Ok(())
        })?;
    Ok((
        Connection {
            sender: to_client,
            receiver: from_client,
        },
        Threads { reader, writer },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<io::Result<Option<Vec<u8>>>> {
        let mut r = io::BufReader::new(input);
        let mut out = Vec::new();
        loop {
            let f = read_frame(&mut r);
            let stop = !matches!(f, Ok(Some(_)));
            out.push(f);
            if stop {
                return out;
            }
        }
    }

    #[test]
    fn frames_are_read_by_their_length() {
        let got =
            frames(b"Content-Length: 2\r\n\r\n{}content-length:3\r\nContent-Type: x\r\n\r\n[1]");
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].as_ref().unwrap().as_deref(), Some(&b"{}"[..]));
        assert_eq!(got[1].as_ref().unwrap().as_deref(), Some(&b"[1]"[..]));
        assert!(matches!(got[2], Ok(None)));
    }

    #[test]
    fn a_huge_declared_length_is_refused_without_allocating() {
        let got = frames(b"Content-Length: 1000000000000000\r\n\r\n{}");
        let e = got[0].as_ref().unwrap_err();
        assert!(e.to_string().contains("larger than the limit"), "{e}");
    }

    #[test]
    fn broken_headers_are_errors_not_hangs() {
        for input in [
            &b"Content-Length: 5\r\n\r\n{}"[..],
            b"Content-Length: x\r\n\r\n",
            b"Content-Type: a\r\n\r\n{}",
            b"Content-Length: 2",
            b"no colon\r\n\r\n",
        ] {
            let got = frames(input);
            assert!(
                got.last().unwrap().is_err(),
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
        let long = format!("X-{}: 1\r\n", "a".repeat(5000));
        assert!(frames(long.as_bytes())[0].is_err());
        let many = "X-A: 1\r\n".repeat(100);
        assert!(frames(many.as_bytes())[0].is_err());
    }
}
