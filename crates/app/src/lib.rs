//! The use cases of xuequ, one module per feature. Every use case is a function of
//! `(&App, &Caller, input)`: it asks the domain's access policy first, then the store, and
//! returns domain values or an [`AppError`] — no HTTP, no templates, no words. The web platform
//! (pages and API) and the `xuequ` CLI both call these functions and nothing below them, so an
//! operation has exactly one implementation whichever way it is reached.
//!
//! Derived data that pages read often (the assessment, a plan's figures) is computed here once
//! and cached until the registry changes (see [`freshness`]).

mod caller;
mod error;
pub mod freshness;

pub mod accounts;
pub mod assessment;
pub mod bookings;
pub mod clusters;
pub mod dashboard;
pub mod directory;
pub mod evaluation;
pub mod exchange;
pub mod figures;
pub mod home;
pub mod library;
pub mod operator;
pub mod planning;
pub mod records;
pub mod registry;
pub mod running;
pub mod search;
pub mod sheets;

pub use caller::Caller;
pub use error::{AppError, Result};
pub use xuequ_store::{Page, Paging, Store, Version};

use chrono::NaiveDate;

/// What the use cases share: the database and the caches kept in front of it.
pub struct App {
    /// The database, for the use cases only: the web layer and the CLI reach it through them.
    pub(crate) store: Store,
    /// Resolved sessions, so a busy page does not look up its session on every request.
    pub sessions: accounts::SessionCache,
    /// Failed sign-ins, to slow down guessing.
    pub limiter: accounts::LoginLimiter,
    /// Plans being computed in the background for the planning pages.
    pub plan_jobs: planning::Jobs,
    /// Assessments and plan figures, each valid for one state of the registry.
    pub derived: std::sync::Arc<freshness::Derived>,
    /// The resource library's files and search index.
    pub library: std::sync::Arc<library::Archive>,
    /// This instance among those on one database (process id and start time), for the record
    /// of who claimed a period of periodic work.
    pub instance: String,
}

impl App {
    /// The use cases on `store`, with the library's files and index in memory.
    pub fn new(store: Store) -> App {
        App::with_library(store, library::Archive::in_memory())
    }

    /// The use cases on `store` and the library's `archive`.
    pub fn with_library(store: Store, archive: library::Archive) -> App {
        App {
            store,
            sessions: Default::default(),
            limiter: Default::default(),
            plan_jobs: Default::default(),
            derived: Default::default(),
            library: std::sync::Arc::new(archive),
            instance: format!("{}@{}", std::process::id(), chrono::Utc::now().timestamp_millis()),
        }
    }
}

impl App {
    /// Drops the cached sessions of `user` (every account's when `None`, after a change that may
    /// move cluster heads' scopes) here at once, and on every other instance on the same
    /// database when it next follows the session events ([`App::follow_sessions`]).
    pub async fn forget_sessions(&self, user: Option<i64>) -> Result<()> {
        match user {
            Some(id) => self.sessions.forget_user(id),
            None => self.sessions.clear(),
        }
        self.store.session_event(user).await?;
        Ok(())
    }

    /// Claims the period of `task` beginning at `period` for this instance: true when this
    /// instance should do the period's work (no other instance on the database claimed it).
    pub async fn claim_period(&self, task: &str, period: chrono::DateTime<chrono::Utc>) -> Result<bool> {
        Ok(self.store.claim_period(task, period, &self.instance).await?)
    }

    /// Where this instance starts following the session events: the newest one now.
    pub async fn session_events_start(&self) -> Result<i64> {
        Ok(self.store.last_session_event().await?)
    }

    /// Applies the session events recorded (by any instance) after `after`: drops the cached
    /// sessions they name. Answers the newest event seen.
    pub async fn follow_sessions(&self, after: i64) -> Result<i64> {
        let mut last = after;
        for e in self.store.session_events_after(after).await? {
            match e.user_id {
                Some(id) => self.sessions.forget_user(id),
                None => self.sessions.clear(),
            }
            last = e.id;
        }
        Ok(last)
    }

    /// Drops session events and failed sign-ins older than the sign-in window (an instance
    /// follows the events within a second; the window is the longest anything is counted).
    pub async fn prune_shared_state(&self) -> Result<u64> {
        Ok(self.store.prune_shared_state(chrono::Utc::now() - self.limiter.window()).await?)
    }

    /// Whether the database answers.
    pub async fn ready(&self) -> bool {
        self.store.ping().await.is_ok()
    }

    /// What stops this instance serving now, empty when it is ready: the database does not
    /// answer, or its schema is not the one this build migrates to.
    pub async fn not_ready(&self) -> Vec<&'static str> {
        match self.store.schema_current().await {
            Ok(true) => Vec::new(),
            Ok(false) => vec!["schema"],
            Err(_) => vec!["database"],
        }
    }
}

/// Today in the server's time zone: the default date of dated changes.
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}
