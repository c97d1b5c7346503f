//! Files sent to the browser or an API client.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// A file to download, named.
pub fn file_response(bytes: Vec<u8>, name: &str, content_type: &str) -> Response {
    ([(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\""))], bytes)
        .into_response()
}
