//! The bundled cluster evaluation (捆绑考核, DOMAIN.md §4.9): what the platform computes to judge a
//! cluster as one body — the indicator tree and its scoring ([`tree`]), the default tree built
//! from the seeds' criteria ([`default_tree`]) and the value-added model ([`value_added`]);
//! plain functions over plain values, no I/O.

pub mod default_tree;
pub mod tree;
pub mod value_added;

#[cfg(test)]
mod tree_tests;
