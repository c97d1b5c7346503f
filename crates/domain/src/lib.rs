//! The nouns and rules of xuequ, free of I/O.
//!
//! Everything a county education bureau records about its schools — the school itself, its
//! yearly statistics, its teachers and facilities, the clusters it belongs to — is described
//! here as plain values with their validation rules, together with the roles of the people who
//! use the platform and the one access policy ([`access::can`]) that decides what each may do.
//! The store persists these values, the sheets crate reads and writes them as spreadsheets, and
//! the web layer shows them; none of them re-states a rule that lives here.

#[macro_use]
mod coded;

pub mod access;
pub mod codes;
pub mod password;
pub mod problem;
pub mod validate;

// One module per feature.
pub mod activity;
pub mod booking;
pub mod budget;
pub mod cluster;
pub mod evaluation;
pub mod exchange;
pub mod library;
pub mod registry;
pub mod running;

/// Every feature's drafts, for callers that take any of them (imports, forms).
pub mod drafts {
    pub use crate::cluster::ClusterDraft;
    pub use crate::registry::{Draft, FacilityDraft, SchoolDraft, StatsDraft, TeacherDraft};
}

pub use codes::*;

/// A vocabulary stored by stable codes (see `coded_enum!`): what the migrations' checks and the
/// API document list as the allowed values.
pub trait Coded: Copy + 'static {
    fn codes() -> Vec<&'static str>;
    /// The variant with this code or Chinese name.
    fn from_code(text: &str) -> Option<Self>;
}
pub use problem::{FieldProblem, Problem};
