//! The language of a request; the words themselves are in `xuequ-i18n`.

pub use xuequ_i18n::{Lang, Tr};

/// The language of a request: the `xuequ_lang` cookie, else Chinese.
pub fn lang_of(headers: &axum::http::HeaderMap) -> Lang {
    crate::auth::cookie(headers, "xuequ_lang").and_then(|v| Lang::parse(&v)).unwrap_or_default()
}
