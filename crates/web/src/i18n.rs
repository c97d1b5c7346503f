//! The language of a request; the words themselves are in `xuequ-i18n`.

pub use xuequ_i18n::{Lang, Tr};

/// The language of a request: the `xuequ_lang` cookie, else Chinese.
pub fn lang_of(headers: &axum::http::HeaderMap) -> Lang {
    crate::cookies::cookie(headers, "xuequ_lang").and_then(|v| Lang::parse(&v)).unwrap_or_default()
}

/// The name a plan is saved under: the one given, or a dated default in the reader's language.
pub fn plan_name(tr: &Tr, given: &str) -> String {
    if given.trim().is_empty() {
        tr.with("plan-default-name", &[("date", xuequ_app::today().to_string())])
    } else {
        given.trim().to_string()
    }
}

/// A notification's sentence in the reader's language: the bundle's `notice-{kind}` with the
/// message's stored arguments.
pub fn notice_text(tr: &Tr, kind: &str, args: &str, people: &xuequ_app::directory::People) -> String {
    let values: serde_json::Map<String, serde_json::Value> = serde_json::from_str(args).unwrap_or_default();
    let text = |v: &serde_json::Value| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string());
    // A notice keeps who acted by login; people read their name.
    let pairs: Vec<(&str, String)> =
        values.iter().map(|(k, v)| (k.as_str(), if k == "by" { people.name(&text(v)) } else { text(v) })).collect();
    tr.with(&format!("notice-{kind}"), &pairs)
}
