//! Finding records by what people type into a search box.
//!
//! A county clerk types part of a name, often leaving characters out (东坪中心 for
//! 东坪镇中心小学), or types pinyin on a phone: full (dongping), initials (dpzx) or a mix
//! (东坪zx). Codes (school codes, staff numbers) are typed as any part of them. [`NameIndex`]
//! holds each record's names as syllables and answers such queries in memory, so that a list
//! search does not scan the database table on every request.

pub mod extract;
pub mod fulltext;
mod names;

pub use names::{NameIndex, Query, sort_key};
