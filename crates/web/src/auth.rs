//! Who is asking: sessions (cookie for pages, bearer token for the API), the actor the access
//! policy reasons about, CSRF checks for forms, and login rate limiting.

use crate::App;
use crate::error::AppError;
use crate::i18n::{Lang, Tr};
use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use xuequ_domain::Role;
use xuequ_domain::access::{self, Action, Actor, Resource, Target, Visibility};
use xuequ_store::Ctx;
use xuequ_store::entities::user;

pub const SESSION_COOKIE: &str = "xuequ_session";
/// Where a user changes their own password.
pub const PASSWORD_PAGE: &str = "/account/password";
/// Sessions last a working day of inactivity-free use; tokens for the API a month.
pub const WEB_SESSION_HOURS: i64 = 12;
pub const API_TOKEN_DAYS: i64 = 30;

/// A cookie's value from the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(|t| t.trim().to_string())
}

/// The signed-in user of a request.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user: user::Model,
    pub actor: Actor,
    pub csrf: String,
    /// The session token, to end it at logout.
    pub token: String,
    pub lang: Lang,
    /// Signed in with a bearer token (API) rather than a cookie (pages).
    pub via_token: bool,
}

impl Viewer {
    pub fn county(&self) -> i64 {
        self.actor.county_id
    }

    pub fn tr(&self) -> Tr {
        Tr::new(self.lang)
    }

    pub fn role(&self) -> Role {
        self.actor.role
    }

    pub fn ctx(&self) -> Ctx {
        Ctx { county_id: self.county(), user_id: Some(self.user.id), username: self.user.username.clone() }
    }

    pub fn can(&self, action: Action, resource: Resource, target: &Target) -> bool {
        access::can(&self.actor, action, resource, target)
    }

    /// Asks the access policy; a refusal is a 403.
    pub fn require(&self, action: Action, resource: Resource, target: &Target) -> Result<(), AppError> {
        if self.can(action, resource, target) { Ok(()) } else { Err(AppError::Forbidden) }
    }

    pub fn visibility(&self, resource: Resource) -> Visibility {
        access::visibility(&self.actor, resource)
    }

    /// Forms posted with a session cookie must carry the session's CSRF token.
    pub fn check_csrf(&self, token: &str) -> Result<(), AppError> {
        if self.via_token || token == self.csrf { Ok(()) } else { Err(AppError::Forbidden) }
    }
}

/// Recently resolved sessions, so that a busy page does not look up its session and user on
/// every request. Entries live [`SessionCache::TTL`]; signing out, and any change to an account
/// made through the platform, drop that account's entries at once.
#[derive(Default)]
pub struct SessionCache {
    entries: Mutex<HashMap<String, (Viewer, Instant)>>,
}

impl SessionCache {
    const TTL: Duration = Duration::from_secs(30);
    const MAX: usize = 10_000;

    fn get(&self, token: &str) -> Option<Viewer> {
        let map = self.entries.lock().expect("session cache lock");
        map.get(token).filter(|(_, at)| at.elapsed() < Self::TTL).map(|(v, _)| v.clone())
    }

    fn put(&self, viewer: &Viewer) {
        let mut map = self.entries.lock().expect("session cache lock");
        if map.len() >= Self::MAX {
            map.retain(|_, (_, at)| at.elapsed() < Self::TTL);
        }
        map.insert(viewer.token.clone(), (viewer.clone(), Instant::now()));
    }

    /// Forgets every cached session of a user (after sign-out or a change to the account).
    pub fn forget_user(&self, user_id: i64) {
        self.entries.lock().expect("session cache lock").retain(|_, (v, _)| v.user.id != user_id);
    }

    pub fn forget_token(&self, token: &str) {
        self.entries.lock().expect("session cache lock").remove(token);
    }

    /// Forgets everything (after a change that may move a cluster head's scope).
    pub fn clear(&self) {
        self.entries.lock().expect("session cache lock").clear();
    }
}

/// Builds the viewer for a session token.
pub async fn viewer_for(app: &App, token: &str, lang: Lang, via_token: bool) -> Result<Option<Viewer>, AppError> {
    if let Some(mut cached) = app.sessions.get(token) {
        cached.lang = lang;
        cached.via_token = via_token;
        return Ok(Some(cached));
    }
    let Some((session, user)) = app.store.session(token).await? else { return Ok(None) };
    let role = Role::parse(&user.role).ok_or(AppError::Forbidden)?;
    let cluster_school_ids = match (role, user.cluster_id) {
        (Role::ClusterHead, Some(c)) => app.store.cluster_school_ids(user.county_id, c).await?,
        _ => vec![],
    };
    let actor = Actor {
        user_id: user.id,
        county_id: user.county_id,
        role,
        school_id: user.school_id,
        cluster_id: user.cluster_id,
        cluster_school_ids,
    };
    let viewer = Viewer { user, actor, csrf: session.csrf, token: token.to_string(), lang, via_token };
    app.sessions.put(&viewer);
    Ok(Some(viewer))
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
            NoViewer::Api(e) => e.into_response(),
            NoViewer::Page { next } => axum::response::Redirect::to(&format!("/login?next={}", urlencoding::encode(&next))).into_response(),
            NoViewer::ChangePassword => axum::response::Redirect::to(PASSWORD_PAGE).into_response(),
        }
    }
}

impl FromRequestParts<App> for Viewer {
    type Rejection = NoViewer;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        // Nested routers see their own part of the path; the original one tells API from pages.
        let uri = parts.extensions.get::<axum::extract::OriginalUri>().map(|o| o.0.clone()).unwrap_or_else(|| parts.uri.clone());
        let is_api = uri.path().starts_with("/api/");
        let reject = |e: AppError| match (is_api, e) {
            (false, AppError::Unauthorized) => NoViewer::Page { next: uri.to_string() },
            (_, e) => NoViewer::Api(e),
        };
        let lang = Lang::from_headers(&parts.headers);
        let (token, via_token) = match bearer(&parts.headers) {
            Some(t) => (t, true),
            None => (cookie(&parts.headers, SESSION_COOKIE).ok_or_else(|| reject(AppError::Unauthorized))?, false),
        };
        let viewer = viewer_for(app, &token, lang, via_token).await.map_err(&reject)?.ok_or_else(|| reject(AppError::Unauthorized))?;
        if !is_api && viewer.user.must_change_password && uri.path() != PASSWORD_PAGE && uri.path() != "/logout" {
            return Err(NoViewer::ChangePassword);
        }
        Ok(viewer)
    }
}

/// Refuses logins after too many failures for one user name within a window, so that a
/// password cannot be guessed online.
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
    max: u32,
    window: Duration,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        LoginLimiter { failures: Mutex::new(HashMap::new()), max: 10, window: Duration::from_secs(15 * 60) }
    }
}

impl LoginLimiter {
    pub fn allowed(&self, username: &str) -> bool {
        let map = self.failures.lock().expect("limiter lock");
        map.get(username).is_none_or(|(n, since)| *n < self.max || since.elapsed() > self.window)
    }

    pub fn failed(&self, username: &str) {
        let mut map = self.failures.lock().expect("limiter lock");
        let entry = map.entry(username.to_string()).or_insert((0, Instant::now()));
        if entry.1.elapsed() > self.window {
            *entry = (0, Instant::now());
        }
        entry.0 += 1;
    }

    pub fn succeeded(&self, username: &str) {
        self.failures.lock().expect("limiter lock").remove(username);
    }
}

/// Checks credentials (with rate limiting) and opens a session of `kind`.
pub async fn login(app: &App, username: &str, password: &str, kind: &str) -> Result<xuequ_store::accounts::OpenedSession, AppError> {
    let username = username.trim();
    if !app.limiter.allowed(username) {
        return Err(AppError::RateLimited);
    }
    let Some(user) = app.store.authenticate(username, password).await? else {
        app.limiter.failed(username);
        return Err(AppError::Unauthorized);
    };
    app.limiter.succeeded(username);
    let ttl = if kind == "api" { chrono::Duration::days(API_TOKEN_DAYS) } else { chrono::Duration::hours(WEB_SESSION_HOURS) };
    Ok(app.store.open_session(user.id, kind, ttl).await?)
}
