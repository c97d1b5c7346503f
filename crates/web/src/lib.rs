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
mod ical;
mod map;
mod pages;
mod query;

use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Router, middleware};
use std::sync::Arc;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use xuequ_app::Store;

/// The largest upload accepted (an XLSX of 100,000 teachers is about 5 MB).
pub const MAX_UPLOAD: usize = 64 * 1024 * 1024;

/// The largest library upload request: several files together (each also within the
/// county's per-file limit, see `xuequ_app::library::archive`).
pub const LIBRARY_REQUEST: usize = 1024 * 1024 * 1024;

/// The server's state: the use cases with their caches, and how the site is served.
pub struct AppState {
    pub core: xuequ_app::App,
    /// Demo mode shows the demo accounts on the login page.
    pub demo: bool,
    /// Send cookies with `Secure` (set when served behind TLS).
    pub secure_cookies: bool,
}

impl AppState {
    /// The state on `store`, with the library's files and index in memory.
    pub fn new(store: Store, demo: bool, secure_cookies: bool) -> App {
        AppState::with(xuequ_app::App::new(store), demo, secure_cookies)
    }

    /// The state around the use cases `core`.
    pub fn with(core: xuequ_app::App, demo: bool, secure_cookies: bool) -> App {
        Arc::new(AppState { core, demo, secure_cookies })
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
        .route("/readyz", get(readyz))
        .route("/static/app.css", get(pages::stylesheet))
        .route("/static/app.js", get(pages::script))
        .route("/static/favicon.svg", get(pages::icon))
        .route("/favicon.ico", get(pages::icon))
        .merge(pages::routes())
        .nest("/api/v1", api::routes())
        .fallback(pages::not_found)
        // Nothing larger than a library upload is read at all; the routes set their own lower
        // limits (JSON 1 MB, spreadsheets 64 MB).
        .layer(RequestBodyLimitLayer::new(LIBRARY_REQUEST + 64 * 1024))
        .layer(middleware::map_response(limit_as_json))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, std::time::Duration::from_secs(120)))
        // No inline scripts and no framing (CSP), no content sniffing, no full referrers elsewhere.
        .layer(always(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(always(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(always(header::X_FRAME_OPTIONS, "DENY"))
        .layer(always(header::REFERRER_POLICY, "strict-origin-when-cross-origin"))
        // A panic in a handler answers 500 with the usual error body; the connection and the
        // server stay up.
        .layer(CatchPanicLayer::custom(|_: Box<dyn std::any::Any + Send>| {
            error::ApiError(xuequ_app::AppError::Internal("panic".into())).into_response()
        }))
        .with_state(state)
}

/// The body-limit layer answers 413 in plain text; callers get the JSON error body instead,
/// naming the limit of the route.
fn too_large_as_json(response: axum::response::Response, limit: usize) -> axum::response::Response {
    let plain = response.headers().get(header::CONTENT_TYPE).is_none_or(|t| !t.as_bytes().starts_with(b"application/json"));
    if response.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE && plain {
        return error::ApiError(xuequ_app::AppError::TooLarge { limit }).into_response();
    }
    response
}

async fn limit_as_json(response: axum::response::Response) -> axum::response::Response {
    too_large_as_json(response, LIBRARY_REQUEST)
}

/// For the spreadsheet imports: a body announced larger than [`MAX_UPLOAD`] is refused before
/// it is read, with that limit named.
pub(crate) async fn import_limit_as_json(response: axum::response::Response) -> axum::response::Response {
    too_large_as_json(response, MAX_UPLOAD)
}

/// A header every response carries unless its handler set it.
fn always(name: header::HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// Scripts only from this site (no inline script), styles from this site (inline `style`
/// attributes allowed for the map's colours), images from this site or `data:`, no framing.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
                       object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Alive: the process answers and reaches its database (a load balancer's health check).
async fn healthz(axum::extract::State(app): axum::extract::State<App>) -> axum::http::StatusCode {
    if app.ready().await { axum::http::StatusCode::OK } else { axum::http::StatusCode::SERVICE_UNAVAILABLE }
}

/// Ready to serve: the database answers and its schema is this build's; `503` with what is
/// missing (`{"ready": false, "waiting_for": ["schema"]}`) otherwise. The library's index is
/// caught up before the server listens at all.
async fn readyz(axum::extract::State(app): axum::extract::State<App>) -> axum::response::Response {
    use axum::response::IntoResponse;
    let waiting = app.not_ready().await;
    let status = if waiting.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::SERVICE_UNAVAILABLE };
    (status, axum::Json(serde_json::json!({"ready": waiting.is_empty(), "waiting_for": waiting}))).into_response()
}

/// Serves the platform on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: App,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let sweeper = tokio::spawn(expire_requests(state.clone()));
    let follower = tokio::spawn(follow_sessions(state.clone()));
    let service = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let served = axum::serve(listener, service).with_graceful_shutdown(shutdown).await;
    sweeper.abort();
    follower.abort();
    served
}

/// How often an instance reads the session events other instances recorded: a sign-out or a
/// disabled account elsewhere is refused here within this (the issue asks for 1 s).
const FOLLOW_SESSIONS: std::time::Duration = std::time::Duration::from_millis(250);

/// Follows the session events of every instance on the database, dropping the cached sessions
/// they name. One indexed query four times a second; a database that does not answer is
/// tried again on the next tick (the cache's own 30 s bound still holds meanwhile).
async fn follow_sessions(app: App) {
    let mut last = loop {
        match app.session_events_start().await {
            Ok(id) => break id,
            Err(e) => tracing::warn!("reading the session events failed: {e}"),
        }
        tokio::time::sleep(FOLLOW_SESSIONS).await;
    };
    let mut every = tokio::time::interval(FOLLOW_SESSIONS);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        match app.follow_sessions(last).await {
            Ok(newest) => last = newest,
            Err(e) => tracing::warn!("following the session events failed: {e}"),
        }
    }
}

/// Every minute, lets booking requests nobody decided in time expire and tells the requesters
/// (a request due to expire also expires the moment another one wants its slot), starts
/// and ends teachers' moves whose dates have come (both schools are told), and gives the
/// library's index the download counts of the last minute; at start and every hour, removes
/// stored file bytes no record points at (older than the grace period) and prunes old shared
/// state. With several instances on one database, each minute's and each hour's work is done
/// by the one instance that claims the period first (and by each instance as it starts: the
/// work is idempotent); every instance keeps its own index.
async fn expire_requests(app: App) {
    use chrono::{DurationRound, TimeDelta, Utc};
    let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
    for minute in 0u64.. {
        every.tick().await;
        let now = Utc::now();
        let claimed = async |task: &str, length: TimeDelta| match now.duration_trunc(length) {
            Ok(period) => app.claim_period(task, period).await.unwrap_or_else(|e| {
                tracing::warn!("claiming the periodic work {task} failed: {e}");
                false
            }),
            Err(_) => false,
        };
        // At start too: sweeping twice is harmless, an orphan kept for an hour more is not.
        if claimed("hourly", TimeDelta::hours(1)).await || minute == 0 {
            if let Err(e) = app.prune_shared_state().await {
                tracing::warn!("pruning old session events and failed sign-ins failed: {e}");
            }
            match xuequ_app::library::sweep_orphans(&app).await {
                Ok(0) => {}
                Ok(n) => tracing::info!("removed {n} stored files no record points at"),
                Err(e) => tracing::warn!("sweeping unreferenced stored files failed: {e}"),
            }
        }
        // At start too: a restarted instance looks at once, even in a minute another claimed.
        if claimed("minutely", TimeDelta::minutes(1)).await || minute == 0 {
            if let Err(e) = xuequ_app::bookings::expire_overdue(&app).await {
                tracing::warn!("expiring booking requests failed: {e}");
            }
            if let Err(e) = xuequ_app::exchange::moves::advance(&app, 0, xuequ_app::today()).await {
                tracing::warn!("starting and ending teachers' moves failed: {e}");
            }
        }
        if let Err(e) = xuequ_app::library::index::sweep(&app).await {
            tracing::warn!("updating the library's download counts in the index failed: {e}");
        }
    }
}
