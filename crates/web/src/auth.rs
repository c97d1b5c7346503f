//! Who is asking: the session of a request (a cookie for pages, a bearer token for the API),
//! resolved by `xuequ_app::accounts` to the caller the use cases take, and CSRF checks for forms.

use crate::App;
use crate::error::AppError;
use crate::i18n::{Lang, Tr};
use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use xuequ_app::Caller;
use xuequ_app::accounts;
use xuequ_app::records::User;
use xuequ_domain::Role;

pub use crate::cookies::cookie;

pub const SESSION_COOKIE: &str = "xuequ_session";
/// Where a user changes their own password.
pub const PASSWORD_PAGE: &str = "/account/password";

fn bearer(headers: &HeaderMap) -> Option<String> {
    headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(|t| t.trim().to_string())
}

/// The signed-in user of a request; it stands for the [`Caller`] the use cases take.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user: User,
    pub caller: Caller,
    pub csrf: String,
    /// The session token, to end it at logout.
    pub token: String,
    pub lang: Lang,
    /// Signed in with a bearer token (API) rather than a cookie (pages).
    pub via_token: bool,
    /// Unread messages of the notification centre, for the bell on every page (pages only).
    pub unread: u64,
}

impl std::ops::Deref for Viewer {
    type Target = Caller;
    fn deref(&self) -> &Caller {
        &self.caller
    }
}

impl Viewer {
    pub fn tr(&self) -> Tr {
        Tr::new(self.lang)
    }

    pub fn role(&self) -> Role {
        self.actor.role
    }

    /// Forms posted with a session cookie must carry the session's CSRF token.
    pub fn check_csrf(&self, token: &str) -> Result<(), AppError> {
        if self.via_token || token == self.csrf { Ok(()) } else { Err(AppError::Forbidden) }
    }
}

/// Builds the viewer for a session token.
pub async fn viewer_for(app: &App, token: &str, lang: Lang, via_token: bool) -> Result<Option<Viewer>, AppError> {
    let Some(signed) = accounts::resolve(app, token).await? else { return Ok(None) };
    let unread = if via_token { 0 } else { xuequ_app::bookings::unread(app, &signed.caller).await? };
    Ok(Some(Viewer { user: signed.user, caller: signed.caller, csrf: signed.csrf, token: token.to_string(), lang, via_token, unread }))
}

/// Why a request has no viewer: the API answers a JSON 401, a page sends the browser to the
/// login page and back afterwards.
pub enum NoViewer {
    Api(AppError),
    Page {
        next: String,
    },
    /// Signed in with a one-time password: pages wait until it is changed.
    ChangePassword,
}

impl axum::response::IntoResponse for NoViewer {
    fn into_response(self) -> axum::response::Response {
        match self {
            NoViewer::Api(e) => crate::error::ApiError(e).into_response(),
            NoViewer::Page { next } => axum::response::Redirect::to(&format!("/login?next={}", urlencoding::encode(&next))).into_response(),
            NoViewer::ChangePassword => axum::response::Redirect::to(PASSWORD_PAGE).into_response(),
        }
    }
}

impl FromRequestParts<App> for Viewer {
    type Rejection = NoViewer;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        // Asked again in one request (a handler and its posted form): the viewer found first.
        if let Some(viewer) = parts.extensions.get::<Viewer>() {
            return Ok(viewer.clone());
        }
        // Nested routers see their own part of the path; the original one tells API from pages.
        let uri = parts.extensions.get::<axum::extract::OriginalUri>().map(|o| o.0.clone()).unwrap_or_else(|| parts.uri.clone());
        let is_api = uri.path().starts_with("/api/");
        let reject = |e: AppError| match (is_api, e) {
            (false, AppError::Unauthorized) => NoViewer::Page { next: uri.to_string() },
            (_, e) => NoViewer::Api(e),
        };
        let lang = crate::i18n::lang_of(&parts.headers);
        let (token, via_token) = match bearer(&parts.headers) {
            Some(t) => (t, true),
            None => (cookie(&parts.headers, SESSION_COOKIE).ok_or_else(|| reject(AppError::Unauthorized))?, false),
        };
        let viewer = viewer_for(app, &token, lang, via_token).await.map_err(&reject)?.ok_or_else(|| reject(AppError::Unauthorized))?;
        // A browser sends the cookie with any request another site makes it send (a multipart
        // form needs no preflight), so an API change on a cookie session must prove it comes
        // from our pages with the session's CSRF token; bearer tokens are never sent by a
        // browser on its own.
        if is_api && !via_token && !is_safe(&parts.method) && !csrf_matches(&parts.headers, &viewer.csrf) {
            return Err(NoViewer::Api(AppError::CsrfRequired));
        }
        // A one-time password opens nothing but changing it and signing out, on pages and API alike.
        if viewer.user.must_change_password && !may_before_password_change(&parts.method, uri.path()) {
            return Err(if is_api { NoViewer::Api(AppError::PasswordChangeRequired) } else { NoViewer::ChangePassword });
        }
        crate::error::remember_viewer(&viewer);
        parts.extensions.insert(viewer.clone());
        Ok(viewer)
    }
}

/// The header that carries the session's CSRF token on API calls made with the page cookie.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Methods that change nothing (the API keeps them so).
fn is_safe(method: &axum::http::Method) -> bool {
    use axum::http::Method;
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether the request carries the session's CSRF token, compared in constant time.
fn csrf_matches(headers: &HeaderMap, csrf: &str) -> bool {
    let sent = headers.get(CSRF_HEADER).map(|v| v.as_bytes()).unwrap_or_default();
    !csrf.is_empty() && sent.len() == csrf.len() && sent.iter().zip(csrf.as_bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// What an account signed in with a one-time password may do: change it, or sign out.
fn may_before_password_change(method: &axum::http::Method, path: &str) -> bool {
    use axum::http::Method;
    matches!(
        (method, path),
        (_, PASSWORD_PAGE) | (&Method::POST, "/logout") | (&Method::POST, "/api/v1/me/password") | (&Method::DELETE, "/api/v1/session")
    )
}

/// The client's address, for throttling sign-ins (`unknown` when the server was not started with
/// connection info, as in unit tests).
pub struct Source(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Source {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let address = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip().to_string());
        Ok(Source(address.unwrap_or_else(|| "unknown".into())))
    }
}
