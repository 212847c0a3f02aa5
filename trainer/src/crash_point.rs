//! Named points in every writing path where a crash test makes the process die as a SIGKILL
//! would (no destructor runs, nothing is flushed or cleaned up): with `ARCHRANK_CRASH_AT=NAME`
//! the process aborts the first time it reaches NAME (`NAME@K`: the K-th time). Without the
//! variable a point costs one environment lookup per write. The crash tests
//! (`trainer/tests/it/crash_points.rs`) kill every writing command at each of its points and
//! check what is left.

/// The environment variable naming the point to die at.
pub const CRASH_AT: &str = "ARCHRANK_CRASH_AT";

/// Every point, for the tests and for a person: the atomic file write's four steps and a
/// database transaction's two sides.
pub const POINTS: [&str; 6] = [
    "write:created",
    "write:written",
    "write:synced",
    "write:renamed",
    "db:before-commit",
    "db:committed",
];

/// Dies here if `ARCHRANK_CRASH_AT` names `point` (and this is its K-th passage).
pub fn reached(point: &str) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static PASSAGES: AtomicUsize = AtomicUsize::new(0);
    let Ok(wanted) = std::env::var(CRASH_AT) else { return };
    let (name, nth) = match wanted.split_once('@') {
        Some((name, k)) => (name, k.parse::<usize>().unwrap_or(1)),
        None => (wanted.as_str(), 1),
    };
    if name == point && PASSAGES.fetch_add(1, Ordering::SeqCst) + 1 == nth {
        // abort: no unwinding, no destructors, no buffered output: what SIGKILL leaves.
        std::process::abort();
    }
}
