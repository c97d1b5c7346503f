//! The teacher-rotation planner (教师交流轮岗, DOMAIN.md §4.6).
//!
//! Eligible teachers move from schools with more teachers of a subject than they need to schools
//! with fewer, within a distance, so that the shortage left (weighted) plus the kilometres moved
//! is least; no school may end below what it needs in a subject it covered, nor above what it
//! had where it had more than enough. The county's quotas — enough moves out of sending schools,
//! enough backbone teachers among those who move — sit on top.
//!
//! Without the quotas the problem is a min-cost flow per subject (schools as nodes, a unit of
//! flow a teacher), solved exactly ([`flow`]). The quotas couple the subjects; when the best
//! plan without them already meets them it is optimal, otherwise the cheapest swaps and extra
//! moves are added and the distance to the quota-free optimum (a lower bound) is reported as
//! the gap.

pub mod flow;
pub mod problem;
pub mod sample;
pub mod solve;

pub use problem::{Input, ProblemError, School, Teacher};
pub use solve::{Move, Plan, Quota, Unfilled, evaluate, solve, solve_until};
