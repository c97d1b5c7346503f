//! The cluster planner (学区划分): a capacitated p-median solver with the school rules on top.
//!
//! - [`problem`]: the problem (points, demand, capacity, p) and the rules (eligible leads, stages,
//!   members per cluster, fixed and forbidden pairs, balance, re-planning penalty).
//! - [`search`]: the solver, a large-neighbourhood search over regions of neighbouring clusters.
//! - [`solution`]: solutions and their honest evaluation (objective recomputed, every broken rule listed).
//! - [`schools`]: schools and the bureau's rules turned into a problem; the measures plans are compared by.
//! - [`metric`]: distances (Euclidean, great-circle, a travel matrix).
//! - `exact` (cargo feature `exact`): proven optima of small problems by a MIP solver.
//!
//! No I/O: the CLI and the web layer read files and databases and call [`search::solve`].

#[cfg(feature = "exact")]
pub mod exact;
pub mod metric;
pub mod problem;
pub mod schools;
pub mod search;
pub mod solution;

mod context;
mod region;

#[cfg(test)]
mod tests;

pub use metric::{Convention, Metric};
pub use problem::{ANY_STAGE, JUNIOR, PRIMARY, Problem, ProblemError};
pub use search::{Options, Outcome, SolveError, solve};
pub use solution::{Evaluation, Solution, Violation, evaluate};
