//! The search, on top of the house: gradient ascent on the ranker's score within a device's
//! budget, from the nearest training tasks' top architectures (`climb`), finished one choice at a
//! time in the deployable space (`discrete_finish`); a shortlist of distinct
//! discrete candidates (`shortlist`); every discrete architecture of a small space scored
//! (`exhaustive`); and the `result` lines a device and the host print
//! (`report`).
//!
//! May import: everything below it (the ranking, the child's cost, task data, the space, the
//! kernels).

pub mod climb;
pub mod discrete_finish;
pub mod exhaustive;
pub mod report;
pub mod shortlist;
