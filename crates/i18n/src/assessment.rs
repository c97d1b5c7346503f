//! The assessment's words, shared by its page, its XLSX report and `xuequ assess`.

use crate::Tr;

/// An indicator's name in the reader's language (`composite` too).
pub fn indicator_name(tr: &Tr, key: &str) -> String {
    tr.get(&format!("indicator-{}", key.replace('_', "-")))
}

/// What a school lacks, in words: “225 m² 教学及辅助用房”.
pub fn shortfall_text(tr: &Tr, f: &xuequ_assess::Shortfall) -> String {
    tr.with(&format!("shortfall-{}", f.indicator.key().replace('_', "-")), &[("amount", format!("{:.0}", f.amount))])
}

/// Why a section was left out, in words.
pub fn exclusion_text(tr: &Tr, reason: xuequ_assess::Exclusion) -> String {
    let code = serde_json::to_value(reason).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    tr.get(&format!("exclusion-{}", code.replace('_', "-")))
}
