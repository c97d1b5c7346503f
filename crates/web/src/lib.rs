//! The xuequ web platform: server-rendered pages (zh-CN first, English too) and the JSON API
//! under `/api/v1`, on axum.
//!
//! Requests are authenticated in [`auth`] (a session cookie for pages, a bearer token for the
//! API) and handed to the use cases of `xuequ-app`, which ask the access policy and the store.
//! Handlers only translate between HTTP and those calls: they hold no SQL, no rules and no
//! user-facing strings (the words come from `xuequ-i18n`).

pub mod api;
pub mod auth;
mod charts;
mod cookies;
mod download;
pub mod error;
pub mod i18n;
mod map;
mod pages;
mod query;

use axum::Router;
use axum::routing::get;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use xuequ_app::Store;

/// The largest upload accepted (an XLSX of 100,000 teachers is about 5 MB).
pub const MAX_UPLOAD: usize = 64 * 1024 * 1024;

/// The server's state: the use cases with their caches, and how the site is served.
pub struct AppState {
    pub core: xuequ_app::App,
    /// Demo mode shows the demo accounts on the login page.
    pub demo: bool,
    /// Send cookies with `Secure` (set when served behind TLS).
    pub secure_cookies: bool,
}

impl AppState {
    pub fn new(store: Store, demo: bool, secure_cookies: bool) -> App {
        Arc::new(AppState { core: xuequ_app::App::new(store), demo, secure_cookies })
    }
}

/// Handlers pass the state where a use case takes `&xuequ_app::App`.
impl std::ops::Deref for AppState {
    type Target = xuequ_app::App;
    fn deref(&self) -> &xuequ_app::App {
        &self.core
    }
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
    if app.ready().await { axum::http::StatusCode::OK } else { axum::http::StatusCode::SERVICE_UNAVAILABLE }
}

/// Serves the platform on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: App,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state)).with_graceful_shutdown(shutdown).await
}
