//! Files sent to the browser or an API client, and files received from them.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// A file to download, named.
pub fn file_response(bytes: Vec<u8>, name: &str, content_type: &str) -> Response {
    ([(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\""))], bytes)
        .into_response()
}

/// Why a multipart upload could not be read: too large for its route, or not well formed.
pub fn upload_error(e: axum::extract::multipart::MultipartError) -> xuequ_app::AppError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        xuequ_app::AppError::TooLarge { limit: crate::MAX_UPLOAD }
    } else {
        xuequ_app::AppError::invalid("file", xuequ_domain::Problem::BadFile { reason: e.body_text() })
    }
}
