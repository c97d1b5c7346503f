//! The bundled cluster evaluation (捆绑考核, DOMAIN.md §4.9): what the platform computes to judge a
//! cluster as one body. So far the value-added model ([`value_added`]); plain functions over
//! plain values, no I/O.

pub mod value_added;
