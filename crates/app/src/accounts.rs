//! Accounts and sessions: signing in (throttled), resolving a session token to the caller,
//! managing users and passwords, and reading the audit log.

use crate::{App, AppError, Caller, Result};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use xuequ_domain::access::{Action, Actor, Resource, Target};
use xuequ_domain::{Problem, Role};
use xuequ_store::accounts::{NewUser, OpenedSession, UserUpdate, random_password};
use xuequ_store::entities::{audit_log, user};
use xuequ_store::{Page, Paging};

/// Sessions last a working day; tokens for the API a month.
pub const WEB_SESSION_HOURS: i64 = 12;
pub const API_TOKEN_DAYS: i64 = 30;

/// Which client a session is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    /// A browser with a cookie (and a CSRF token for its forms).
    Web,
    /// A program with a bearer token.
    Api,
}

impl SessionKind {
    fn code(self) -> &'static str {
        match self {
            SessionKind::Web => "web",
            SessionKind::Api => "api",
        }
    }

    fn lifetime(self) -> chrono::Duration {
        match self {
            SessionKind::Web => chrono::Duration::hours(WEB_SESSION_HOURS),
            SessionKind::Api => chrono::Duration::days(API_TOKEN_DAYS),
        }
    }
}

/// A live session: who it belongs to and the CSRF token of its forms.
#[derive(Debug, Clone)]
pub struct Signed {
    pub user: user::Model,
    pub caller: Caller,
    pub csrf: String,
}

/// Recently resolved sessions, so that a busy page does not look up its session and user on
/// every request. Entries live [`SessionCache::TTL`]; signing out, and any change to an account
/// or to a cluster head's scope made through the platform, drop the entries concerned at once
/// here and, through the database's session events, on every other instance within a
/// fraction of a second ([`App::forget_sessions`], [`App::follow_sessions`]).
#[derive(Default)]
pub struct SessionCache {
    entries: Mutex<HashMap<String, (Signed, Instant)>>,
}

impl SessionCache {
    const TTL: Duration = Duration::from_secs(30);
    const MAX: usize = 10_000;

    fn get(&self, token: &str) -> Option<Signed> {
        let map = self.entries.lock().expect("session cache lock");
        map.get(token).filter(|(_, at)| at.elapsed() < Self::TTL).map(|(s, _)| s.clone())
    }

    fn put(&self, token: &str, signed: &Signed) {
        let mut map = self.entries.lock().expect("session cache lock");
        if map.len() >= Self::MAX {
            map.retain(|_, (_, at)| at.elapsed() < Self::TTL);
        }
        map.insert(token.to_string(), (signed.clone(), Instant::now()));
    }

    /// Forgets every cached session of a user (after sign-out or a change to the account).
    pub fn forget_user(&self, user_id: i64) {
        self.entries.lock().expect("session cache lock").retain(|_, (s, _)| s.user.id != user_id);
    }

    pub fn forget_token(&self, token: &str) {
        self.entries.lock().expect("session cache lock").remove(token);
    }

    /// Forgets everything (after a change that may move a cluster head's scope).
    pub fn clear(&self) {
        self.entries.lock().expect("session cache lock").clear();
    }
}

/// Slows down password guessing without letting anyone lock an account out.
///
/// Failures are counted per user name *and source address*: ten wrong passwords for `admin`
/// from one address within fifteen minutes stop that address trying `admin`, while the real
/// admin at another address still signs in. Failures are also counted per address over all
/// names: thirty within the window stop that address entirely (password spraying). Behind a
/// reverse proxy every request comes from the proxy's address unless the proxy's forwarded
/// address is trusted — the README says so. The counts live in the database, so that several
/// instances of the server count together: spreading guesses over them gains nothing.
pub struct LoginLimiter {
    window: chrono::Duration,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        LoginLimiter { window: chrono::Duration::minutes(15) }
    }
}

impl LoginLimiter {
    /// Wrong passwords for one name from one address before that pair waits.
    pub const PER_NAME: u64 = 10;
    /// Wrong passwords from one address, any names, before it waits.
    pub const PER_SOURCE: u64 = 30;

    async fn allowed(&self, app: &App, username: &str, source: &str) -> Result<bool> {
        let (by_name, by_source) = app.store.login_failures(username, source, chrono::Utc::now() - self.window).await?;
        Ok(by_name < Self::PER_NAME && by_source < Self::PER_SOURCE)
    }

    /// How long failed sign-ins are remembered.
    pub fn window(&self) -> chrono::Duration {
        self.window
    }
}

/// Checks credentials (throttled per name and address, see [`LoginLimiter`]) and opens a
/// session of `kind`. `source` is the client's address.
pub async fn sign_in(app: &App, username: &str, password: &str, kind: SessionKind, source: &str) -> Result<OpenedSession> {
    let username = username.trim();
    if !app.limiter.allowed(app, username, source).await? {
        return Err(AppError::RateLimited);
    }
    let Some(user) = app.store.authenticate(username, password).await? else {
        app.store.login_failed(username, source).await?;
        return Err(AppError::Unauthorized);
    };
    app.store.login_succeeded(username, source).await?;
    Ok(app.store.open_session(user.id, kind.code(), kind.lifetime()).await?)
}

/// The caller behind a session token, or `None` for an unknown, expired or disabled one.
pub async fn resolve(app: &App, token: &str) -> Result<Option<Signed>> {
    if let Some(cached) = app.sessions.get(token) {
        return Ok(Some(cached));
    }
    let Some((session, user)) = app.store.session(token).await? else { return Ok(None) };
    let caller = caller_of(app, &user).await?;
    let signed = Signed { caller, user, csrf: session.csrf };
    app.sessions.put(token, &signed);
    Ok(Some(signed))
}

/// The caller an account acts as: its role and the scope the role is bound to today.
pub async fn caller_of(app: &App, user: &xuequ_store::entities::user::Model) -> Result<Caller> {
    let role = user.role;
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
    Ok(Caller { actor, username: user.username.clone() })
}

/// Ends the session of `token`.
pub async fn sign_out(app: &App, token: &str) -> Result<()> {
    let user = app.store.close_session(token).await?;
    app.sessions.forget_token(token);
    // Other instances drop the account's cached sessions; its others are read again from the
    // database there, the closed one is gone.
    if let Some(id) = user {
        app.forget_sessions(Some(id)).await?;
    }
    Ok(())
}

/// Refuses a chosen password that is short, common or guessable (`inputs`: the person's
/// username and name), naming `field` and why.
pub fn check_strength(field: &'static str, password: &str, inputs: &[&str]) -> Result<()> {
    xuequ_domain::password::check(password, inputs).map_err(|p| AppError::invalid(field, p))
}

/// A user changes their own password; their other sessions end, `token`'s stays.
pub async fn change_own_password(app: &App, c: &Caller, token: &str, current: &str, new: &str, confirm: &str) -> Result<()> {
    if new != confirm {
        return Err(AppError::invalid("confirm_password", Problem::PasswordsDiffer));
    }
    app.store.change_own_password(&c.ctx(), c.actor.user_id, current, new, token).await?;
    app.forget_sessions(Some(c.actor.user_id)).await?;
    Ok(())
}

// ---- the bureau's account management ----

/// Only the bureau may manage accounts.
pub fn require_accounts(c: &Caller) -> Result<()> {
    c.require(Action::Create, Resource::Account, &Target::county(c.county()))
}

/// The bureau and inspectors read the audit log.
pub fn require_audit(c: &Caller) -> Result<()> {
    c.require(Action::Read, Resource::AuditLog, &Target::county(c.county()))
}

pub async fn users(app: &App, c: &Caller, paging: Paging) -> Result<Page<user::Model>> {
    require_accounts(c)?;
    Ok(app.store.users(c.county(), paging).await?)
}

pub async fn user(app: &App, c: &Caller, id: i64) -> Result<user::Model> {
    require_accounts(c)?;
    app.store.user(c.county(), id).await?.ok_or(AppError::NotFound)
}

/// A new account as the bureau enters it; without a password a one-time one is made.
pub struct UserInput {
    pub username: String,
    pub display_name: String,
    pub password: Option<String>,
    pub role: Role,
    pub school_id: Option<i64>,
    pub cluster_id: Option<i64>,
}

/// An account's version (accounts made before versions existed count from their creation).
pub fn version(user: &user::Model) -> xuequ_store::Version {
    xuequ_store::Version(user.updated_at.unwrap_or(user.created_at))
}

/// Creates an account; returns it with the one-time password the platform made, if it made one
/// (to be shown once; it must be changed at the next sign-in).
pub async fn create_user(app: &App, c: &Caller, input: UserInput) -> Result<(user::Model, Option<String>)> {
    require_accounts(c)?;
    // A password the bureau chooses must be as strong as one a person chooses (the generated
    // one is random).
    if let Some(p) = &input.password {
        check_strength("password", p, &[&input.username, &input.display_name])?;
    }
    let generated = input.password.is_none().then(random_password);
    let new = NewUser {
        username: input.username,
        display_name: input.display_name,
        password: input.password.or(generated.clone()).unwrap_or_default(),
        role: input.role,
        school_id: input.school_id,
        cluster_id: input.cluster_id,
        must_change_password: generated.is_some(),
    };
    let user = app.store.create_user(&c.ctx(), new).await?;
    Ok((user, generated))
}

/// Changes an account; with `expected`, only if nobody changed it meanwhile.
pub async fn update_user(
    app: &App,
    c: &Caller,
    id: i64,
    update: UserUpdate,
    expected: Option<xuequ_store::Version>,
) -> Result<user::Model> {
    require_accounts(c)?;
    if id == c.actor.user_id {
        let me = app.store.user(c.county(), id).await?.ok_or(AppError::NotFound)?;
        let field = if update.disabled {
            Some("disabled")
        } else if update.role != me.role {
            Some("role")
        } else if update.school_id != me.school_id || update.cluster_id != me.cluster_id {
            Some(if update.school_id != me.school_id { "school_id" } else { "cluster_id" })
        } else {
            None
        };
        if let Some(field) = field {
            return Err(AppError::invalid(field, Problem::OwnAccount));
        }
    }
    let user = app.store.update_user(&c.ctx(), id, update, expected).await?;
    app.forget_sessions(Some(id)).await?;
    Ok(user)
}

/// Sets a new one-time password and returns it (to be shown once); the user's sessions end.
pub async fn reset_password(app: &App, c: &Caller, id: i64) -> Result<String> {
    require_accounts(c)?;
    if id == c.actor.user_id {
        return Err(AppError::invalid("password", Problem::OwnAccount));
    }
    let password = random_password();
    app.store.set_password(&c.ctx(), id, &password, true).await?;
    app.forget_sessions(Some(id)).await?;
    Ok(password)
}

/// The audit log, newest first, optionally of one kind of record (the bureau and inspectors).
pub async fn audit_entries(
    app: &App,
    c: &Caller,
    filter: &xuequ_store::accounts::AuditFilter,
    paging: Paging,
) -> Result<Page<audit_log::Model>> {
    require_audit(c)?;
    Ok(app.store.audit_entries(c.county(), filter, paging).await?)
}

/// The names the audit log refers to by id: every school and cluster of the county, retired
/// ones too (a log tells of the past).
pub struct AuditNames {
    pub schools: HashMap<i64, String>,
    pub clusters: HashMap<i64, String>,
    pub teachers: HashMap<i64, String>,
    /// Each account's name by username.
    pub people: HashMap<String, String>,
    /// Everyone who appears in the log, for its filter.
    pub usernames: Vec<String>,
}

pub async fn audit_names(app: &App, c: &Caller) -> Result<AuditNames> {
    require_audit(c)?;
    let schools = app.store.all_schools(c.county()).await?.into_iter().map(|s| (s.id, s.name)).collect();
    let clusters = app.store.all_clusters(c.county()).await?.into_iter().map(|k| (k.id, k.name)).collect();
    let teachers = app.store.teacher_names(c.county()).await?;
    let people = app.store.display_names(c.county()).await?;
    Ok(AuditNames { schools, clusters, teachers, people, usernames: app.store.audit_usernames(c.county()).await? })
}

#[cfg(test)]
mod tests {
    use super::LoginLimiter;
    use crate::App;

    /// An application on a fresh SQLite file: the counts live in the database.
    async fn app(dir: &tempfile::TempDir) -> App {
        App::new(crate::operator::open(&crate::operator::sqlite_url(dir.path())).await.unwrap())
    }

    #[tokio::test]
    async fn a_locked_name_stays_open_from_another_address() {
        let dir = tempfile::tempdir().unwrap();
        let app = app(&dir).await;
        let l = LoginLimiter::default();
        for _ in 0..LoginLimiter::PER_NAME {
            assert!(l.allowed(&app, "admin", "10.0.0.9").await.unwrap());
            app.store.login_failed("admin", "10.0.0.9").await.unwrap();
        }
        assert!(!l.allowed(&app, "admin", "10.0.0.9").await.unwrap(), "the guessing address waits");
        assert!(l.allowed(&app, "admin", "10.0.0.1").await.unwrap(), "the real admin elsewhere does not");
    }

    #[tokio::test]
    async fn spraying_many_names_from_one_address_is_slowed() {
        let dir = tempfile::tempdir().unwrap();
        let app = app(&dir).await;
        let l = LoginLimiter::default();
        for i in 0..LoginLimiter::PER_SOURCE {
            assert!(l.allowed(&app, &format!("user{i}"), "10.0.0.9").await.unwrap());
            app.store.login_failed(&format!("user{i}"), "10.0.0.9").await.unwrap();
        }
        assert!(!l.allowed(&app, "someone-else", "10.0.0.9").await.unwrap());
        assert!(l.allowed(&app, "someone-else", "10.0.0.2").await.unwrap());
    }

    #[tokio::test]
    async fn success_clears_the_name_count_and_old_failures_are_pruned() {
        let dir = tempfile::tempdir().unwrap();
        let app = app(&dir).await;
        let l = LoginLimiter::default();
        for _ in 0..LoginLimiter::PER_NAME - 1 {
            app.store.login_failed("head", "a").await.unwrap();
        }
        app.store.login_succeeded("head", "a").await.unwrap();
        app.store.login_failed("head", "a").await.unwrap();
        assert!(l.allowed(&app, "head", "a").await.unwrap());
        assert_eq!(app.store.prune_shared_state(chrono::Utc::now() + chrono::Duration::seconds(1)).await.unwrap(), 1);
    }

    #[tokio::test]
    async fn each_period_of_periodic_work_goes_to_one_instance() {
        let dir = tempfile::tempdir().unwrap();
        let (here, there) = (app(&dir).await, app(&dir).await);
        let minute = chrono::DateTime::parse_from_rfc3339("2026-12-08T02:15:00Z").unwrap().to_utc();
        assert!(here.claim_period("minutely", minute).await.unwrap());
        assert!(!there.claim_period("minutely", minute).await.unwrap(), "claimed already");
        assert!(!here.claim_period("minutely", minute).await.unwrap(), "once, even for the one that claimed it");
        assert!(there.claim_period("hourly", minute).await.unwrap(), "another task's period is its own");
        assert!(there.claim_period("minutely", minute + chrono::Duration::minutes(1)).await.unwrap());
    }

    #[tokio::test]
    async fn a_session_event_recorded_through_one_app_drops_the_cache_of_another() {
        let dir = tempfile::tempdir().unwrap();
        let (here, there) = (app(&dir).await, app(&dir).await);
        let start = there.session_events_start().await.unwrap();
        here.forget_sessions(Some(7)).await.unwrap();
        here.forget_sessions(None).await.unwrap();
        let events = there.store.session_events_after(start).await.unwrap();
        assert_eq!(events.iter().map(|e| e.user_id).collect::<Vec<_>>(), vec![Some(7), None]);
        let newest = there.follow_sessions(start).await.unwrap();
        assert_eq!(newest, events[1].id);
        assert_eq!(there.follow_sessions(newest).await.unwrap(), newest, "nothing new: nothing applied");
    }
}
