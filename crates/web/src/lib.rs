//! The xuequ web platform: server-rendered pages (zh-CN first, English too) and the JSON API
//! under `/api/v1`, on axum.
//!
//! Requests are authenticated in [`auth`] (a session cookie for pages, a bearer token for the
//! API), every permission is asked of the domain's access policy through [`auth::Viewer::require`],
//! and the work itself is done by the store. Handlers hold no SQL and no user-facing strings: the
//! words come from the fluent bundles in `locales/`.

pub mod api;
pub mod assessment;
pub mod auth;
mod charts;
pub mod error;
pub mod i18n;
mod map;
pub mod ops;
mod pages;
pub mod planning;

use axum::Router;
use axum::routing::get;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use xuequ_store::Store;

/// The largest upload accepted (an XLSX of 100,000 teachers is about 5 MB).
pub const MAX_UPLOAD: usize = 64 * 1024 * 1024;

pub struct AppState {
    pub store: Store,
    /// The database URL, for backups.
    pub database_url: String,
    /// Demo mode shows the demo accounts on the login page.
    pub demo: bool,
    /// Send cookies with `Secure` (set when served behind TLS).
    pub secure_cookies: bool,
    pub limiter: auth::LoginLimiter,
    pub sessions: auth::SessionCache,
    /// Plans running for the planning pages.
    pub plan_jobs: planning::Jobs,
}

pub type App = Arc<AppState>;

/// The whole application: pages, API, health check and static files.
pub fn router(state: App) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/static/app.css", get(pages::stylesheet))
        .merge(pages::routes())
        .nest("/api/v1", api::routes())
        .fallback(pages::not_found)
        .layer(RequestBodyLimitLayer::new(MAX_UPLOAD))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, std::time::Duration::from_secs(120)))
        .with_state(state)
}

async fn healthz(axum::extract::State(app): axum::extract::State<App>) -> axum::http::StatusCode {
    match app.store.ping().await {
        Ok(()) => axum::http::StatusCode::OK,
        Err(_) => axum::http::StatusCode::SERVICE_UNAVAILABLE,
    }
}
