//! Derived data kept for as long as its inputs stay the same.
//!
//! Every write in the store records an audit entry in the same transaction, so the newest audit
//! entry of a county is a version of everything the county holds: when it moves, something
//! changed. Derived values are cached with the version they were computed from and recomputed
//! when it has moved — which also notices writes made by another process (`xuequ import`
//! against a running server's database). Reading the version is one indexed lookup.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

/// Values by key, each valid for one version.
pub struct Memo<K, V> {
    entries: Mutex<HashMap<K, (i64, Arc<V>)>>,
}

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Memo { entries: Mutex::new(HashMap::new()) }
    }
}

impl<K: Eq + Hash + Clone, V> Memo<K, V> {
    /// At most this many values are kept; a full cache drops everything stale, then everything.
    const MAX: usize = 64;

    /// The value for `key` if it was computed at `version`.
    pub fn get(&self, key: &K, version: i64) -> Option<Arc<V>> {
        let entries = self.entries.lock().expect("memo lock");
        entries.get(key).filter(|(v, _)| *v == version).map(|(_, value)| value.clone())
    }

    pub fn put(&self, key: K, version: i64, value: Arc<V>) {
        let mut entries = self.entries.lock().expect("memo lock");
        if entries.len() >= Self::MAX {
            entries.retain(|_, (v, _)| *v == version);
            if entries.len() >= Self::MAX {
                entries.clear();
            }
        }
        entries.insert(key, (version, value));
    }
}

/// The derived values the platform keeps.
#[derive(Default)]
pub struct Derived {
    /// Every year's assessment of a county, or of the schools now in one of its clusters.
    pub assessments: Memo<(i64, Option<i64>), crate::assessment::Assessed>,
    /// The planner's input for a county and one set of settings (as JSON).
    pub plannings: Memo<(i64, String), crate::planning::Planning>,
    /// The name index of a county's schools or teachers.
    pub names: Memo<(i64, xuequ_store::registry::Named), xuequ_search::NameIndex>,
    /// What a search text found in a county's list, while nothing changed.
    pub searches: Memo<(i64, xuequ_store::registry::Named, String), Vec<i64>>,
    /// Held while a name index is built, so that concurrent searches build it once.
    pub building: tokio::sync::Mutex<()>,
    /// The total of a list (kind, filters, visibility) in a county.
    pub totals: Memo<(i64, String), u64>,
    /// Held while an assessment is computed, so that concurrent requests compute it once.
    pub assessing: tokio::sync::Mutex<()>,
    /// A county's facilities with their rules, schools and calendars, for "what is free" (by
    /// `Store::sharing_version`, which bookings do not move).
    pub sharing: Memo<i64, crate::bookings::Sharing>,
    /// An open evaluation round's standings, by county, round and ten minutes, for one state of
    /// its scores and tree (see `evaluation::results_of`).
    pub evaluations: Memo<(i64, i64, i64), crate::evaluation::Results>,
    /// The registry's figures of a county's scopes in a year, within ten minutes.
    pub figures: Memo<(i64, i32, i64, crate::figures::Freshness, Vec<crate::figures::Scope>), crate::figures::Values>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_served_only_for_the_version_it_was_computed_at() {
        let memo: Memo<i64, String> = Memo::default();
        memo.put(1, 7, Arc::new("seven".into()));
        assert_eq!(memo.get(&1, 7).as_deref().map(String::as_str), Some("seven"));
        assert!(memo.get(&1, 8).is_none(), "a newer version makes it stale");
        assert!(memo.get(&2, 7).is_none());
    }

    #[test]
    fn a_full_memo_drops_stale_values_first() {
        let memo: Memo<i64, i64> = Memo::default();
        for k in 0..64 {
            memo.put(k, 1, Arc::new(k));
        }
        memo.put(100, 2, Arc::new(100));
        assert!(memo.get(&0, 1).is_none());
        assert_eq!(memo.get(&100, 2).map(|v| *v), Some(100));
    }
}
