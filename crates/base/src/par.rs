//! Data parallelism for the independent parts of the pipeline (parsing files, running
//! backends, scanning and writing outputs), on scoped threads of the standard library.
//!
//! Results always come back in input order, so the output does not depend on the number
//! of threads or on scheduling; `FORGE_JOBS=1` runs everything on the calling thread.
//!
//! Why not rayon: the same API on rayon's pool (`par_iter().map().collect()`,
//! `into_par_iter().chunks()`, `rayon::join`; tried 2026-11-30, rayon 1.12) built the
//! 10,000-item synthetic spec in 1.38–1.56 s against 1.28–1.31 s here, and the
//! 1,000-item one in 147 against 136 ms (hyperfine, 10–30 runs, 2 cores): resolve and
//! check were 10–35% slower by `FORGE_TIMINGS=1`.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Specs smaller than this run on one thread: below it, starting threads costs more
/// than they save (the shipped spec builds in a few milliseconds).
pub const PARALLEL_FROM_BYTES: usize = 32 * 1024;

static SMALL_INPUT: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// Set while a thread works for a parallel map: a map inside it (an organisation's
    /// services are compiled in parallel, each with maps of its own) runs on that
    /// thread, instead of starting threads per call on a machine already busy.
    static IN_WORKER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` as a worker of a parallel map (see `IN_WORKER`).
fn as_worker<R>(f: impl FnOnce() -> R) -> R {
    let before = IN_WORKER.with(|w| w.replace(true));
    let r = f();
    IN_WORKER.with(|w| w.set(before));
    r
}

/// Tells the pipeline how large its input is (see [`PARALLEL_FROM_BYTES`]). Only the
/// speed depends on it, never the output.
pub fn set_input_size(bytes: usize) {
    SMALL_INPUT.store(bytes < PARALLEL_FROM_BYTES, Ordering::Relaxed);
}

/// The number of worker threads: 1 for a small input or inside a worker, else `FORGE_JOBS` when set to a
/// positive number, else the machine's available parallelism.
pub fn jobs() -> usize {
    if SMALL_INPUT.load(Ordering::Relaxed) || IN_WORKER.with(std::cell::Cell::get) {
        return 1;
    }
    std::env::var("FORGE_JOBS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// `f` applied to every item, on up to [`jobs`] threads taking items in turn; the
/// results are in the order of `items`. Put the costliest items first for balance.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let workers = jobs().min(items.len());
    if workers <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        as_worker(|| {
            let mut done = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else {
                    return done;
                };
                done.push((i, f(item)));
            }
        })
    };
    let mut all: Vec<(usize, R)> = std::thread::scope(|s| {
        let handles: Vec<_> = (1..workers).map(|_| s.spawn(work)).collect();
        let mut all = work();
        for h in handles {
            match h.join() {
                Ok(part) => all.extend(part),
                // A panic in a worker is a bug; carry it to the caller unchanged.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        all
    });
    all.sort_unstable_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, r)| r).collect()
}

/// Like [`map`] for owned items: `f` gets them `chunk` at a time (fewer hand-offs for
/// many cheap items); the results are in the order of the chunks.
pub fn map_chunks<T: Send, R: Send>(
    items: Vec<T>,
    chunk: usize,
    f: impl Fn(Vec<T>) -> R + Sync,
) -> Vec<R> {
    let chunk = chunk.max(1);
    let mut cells = Vec::with_capacity(items.len().div_ceil(chunk));
    let mut items = items.into_iter();
    loop {
        let next: Vec<T> = items.by_ref().take(chunk).collect();
        if next.is_empty() {
            break;
        }
        cells.push(Mutex::new(next));
    }
    map(&cells, |cell| {
        let mut guard = cell
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(std::mem::take(&mut *guard))
    })
}

/// Runs two closures at once (the second on another thread when jobs allow).
pub fn join<A: Send, B: Send>(
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    if jobs() <= 1 {
        return (a(), b());
    }
    std::thread::scope(|s| {
        let hb = s.spawn(|| as_worker(b));
        let ra = as_worker(a);
        match hb.join() {
            Ok(rb) => (ra, rb),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_keeps_input_order_whatever_the_scheduling() {
        let items: Vec<u64> = (0..1000).collect();
        // Uneven work so that threads finish out of order.
        let out = map(&items, |&i| {
            let mut x = i;
            for _ in 0..(i % 7) * 1000 {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
            }
            (i, x)
        });
        assert_eq!(out.len(), 1000);
        assert!(out.iter().enumerate().all(|(k, (i, _))| *i == k as u64));
    }

    #[test]
    fn map_chunks_keeps_every_item_in_order() {
        for n in [0, 1, 7, 64, 1000] {
            let items: Vec<usize> = (0..n).collect();
            let out: Vec<usize> = map_chunks(items, 7, |c| c).into_iter().flatten().collect();
            assert_eq!(out, (0..n).collect::<Vec<_>>());
        }
    }

    #[test]
    fn join_returns_both_results() {
        let (a, b) = join(|| 1 + 1, || "two".to_string());
        assert_eq!((a, b.as_str()), (2, "two"));
    }
}
