//! Files sent to the browser or an API client, and files received from them.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// A file to download, named.
pub fn file_response(bytes: Vec<u8>, name: &str, content_type: &str) -> Response {
    ([(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\""))], bytes)
        .into_response()
}

/// A stored file of the library: downloaded (`attachment`) or shown in the page (`inline`, for
/// PDFs and pictures only, which may then be framed by the site's own pages). The name is sent
/// both as plain ASCII and, for Chinese names, as UTF-8 (RFC 6266).
pub fn stored_file(bytes: impl Into<axum::body::Body>, name: &str, content_type: &str, inline: bool) -> Response {
    let ascii: String = name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' }).collect();
    let disposition =
        format!("{}; filename=\"{ascii}\"; filename*=UTF-8''{}", if inline { "inline" } else { "attachment" }, urlencoding::encode(name));
    let mut response =
        ([(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes.into()).into_response();
    if inline {
        let headers = response.headers_mut();
        headers.insert(header::X_FRAME_OPTIONS, header::HeaderValue::from_static("SAMEORIGIN"));
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            header::HeaderValue::from_static("default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"),
        );
    }
    response
}

/// Why a multipart upload could not be read: too large for its route, or not well formed.
pub fn upload_error(e: axum::extract::multipart::MultipartError) -> xuequ_app::AppError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        xuequ_app::AppError::TooLarge { limit: crate::MAX_UPLOAD }
    } else {
        xuequ_app::AppError::invalid("file", xuequ_domain::Problem::BadFile { reason: e.body_text() })
    }
}

/// A file's size as people read it: `1.5 MB`, or whole kilobytes below a megabyte (never
/// `0.0 MB` for a photo of 80 KB).
pub fn size_text(bytes: i64) -> String {
    if bytes >= 1024 * 1024 { format!("{:.1} MB", bytes as f64 / 1048576.0) } else { format!("{:.0} KB", (bytes as f64 / 1024.0).ceil()) }
}
