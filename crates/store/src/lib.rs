//! Persistence for xuequ: the tables, their migrations and every query, on SQLite (the default,
//! an embedded file) and PostgreSQL (by URL) through one code path (SeaORM).
//!
//! Every read and write takes the county it works in and filters by it, so a query can never
//! return another county's rows. Every write records an audit entry in the same transaction.
//! Permissions are not decided here: callers pass what the access policy allows.

/// The boilerplate of an entity without relations (the schema's foreign keys live in the
/// migrations; queries join explicitly).
macro_rules! entity_boilerplate {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}
        impl ActiveModelBehavior for ActiveModel {}
    };
}

// One folder per feature: its entities, queries and imports.
pub mod accounts;
pub mod bookings;
pub mod clusters;
pub mod evaluation;
pub mod exchange;
pub mod library;
pub mod plans;
pub mod registry;
pub mod running;
pub mod shared;

pub mod backup;
pub mod entities;
mod migration;

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, Set};
use sea_orm_migration::MigratorTrait;
use serde::Serialize;
use xuequ_domain::{FieldProblem, Problem};

pub use sea_orm::DbErr as DatabaseError;

/// Why a store operation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] DbErr),
    #[error("invalid input")]
    Invalid(Vec<FieldProblem>),
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(Problem),
    /// The record changed since the version the caller read (optimistic locking).
    #[error("the record was changed meanwhile")]
    Stale,
}

impl StoreError {
    pub fn invalid(field: &'static str, problem: Problem) -> Self {
        StoreError::Invalid(vec![FieldProblem::new(field, problem)])
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Who is making a change, for scoping and the audit log.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub county_id: i64,
    pub user_id: Option<i64>,
    pub username: String,
}

/// One page of a list and the number of rows matching the filters.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
}

/// 1-based page number and page size; the size is capped so that no request reads a whole table.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub page: u64,
    pub per_page: u64,
}

impl Paging {
    pub const MAX_PER_PAGE: u64 = 200;
    /// Pages beyond this are empty anyway; capping keeps the offset within what SQL takes.
    pub const MAX_PAGE: u64 = 10_000_000;
    pub fn new(page: Option<u64>, per_page: Option<u64>) -> Self {
        Paging { page: page.unwrap_or(1).clamp(1, Self::MAX_PAGE), per_page: per_page.unwrap_or(20).clamp(1, Self::MAX_PER_PAGE) }
    }
    pub fn offset(&self) -> u64 {
        self.page.saturating_sub(1).saturating_mul(self.per_page)
    }
}

/// The key of the PostgreSQL advisory lock that instances starting together on one database
/// take in turn to migrate it ("xuequ" in ASCII).
const MIGRATION_LOCK: i64 = 0x78_75_65_71_75;

/// Migrates a PostgreSQL database under an advisory lock held on a connection of its own:
/// instances started together on an empty database migrate it once; the others wait for the
/// lock and then find nothing left to do. The lock goes with the connection if this process
/// dies while migrating.
async fn migrate_once(url: &str, db: &DatabaseConnection) -> Result<(), DbErr> {
    use sea_orm::ConnectionTrait;
    let lock = Database::connect(ConnectOptions::new(url.to_string()).max_connections(1).min_connections(1).sqlx_logging(false).to_owned())
        .await?;
    lock.execute_unprepared(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})")).await?;
    let migrated = migration::Migrator::up(db, None).await;
    let unlocked = lock.execute_unprepared(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})")).await;
    lock.close().await?;
    migrated?;
    unlocked.map(|_| ())
}

/// The database behind the platform.
#[derive(Clone)]
pub struct Store {
    db: DatabaseConnection,
}

impl Store {
    /// Connects to `url` (`sqlite://PATH?mode=rwc` or `postgres://...`) and runs the migrations.
    pub async fn open(url: &str) -> Result<Store> {
        let sqlite = url.starts_with("sqlite:");
        let mut options = ConnectOptions::new(url.to_string());
        options.max_connections(if sqlite { 8 } else { 16 }).min_connections(1).sqlx_logging(false);
        if sqlite {
            // WAL lets pages be read while an import writes; NORMAL sync is safe with WAL.
            options.map_sqlx_sqlite_opts(|o| {
                o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                    .busy_timeout(std::time::Duration::from_secs(10))
                    .foreign_keys(true)
            });
        }
        let db = Database::connect(options).await?;
        if sqlite {
            migration::Migrator::up(&db, None).await?;
        } else {
            migrate_once(url, &db).await?;
        }
        Ok(Store { db })
    }

    /// Whether every migration this build knows has been applied (the readiness check: an
    /// instance of an older build on a newer schema, or the reverse, is not ready).
    pub async fn schema_current(&self) -> Result<bool> {
        use sea_orm_migration::MigratorTrait;
        Ok(migration::Migrator::get_pending_migrations(&self.db).await?.is_empty())
    }

    /// The SQLite URL of a database file inside `data_dir`.
    pub fn sqlite_url(data_dir: &std::path::Path) -> String {
        format!("sqlite://{}?mode=rwc", data_dir.join("xuequ.db").display())
    }

    /// A transaction for writing. On SQLite it takes the write lock at `BEGIN` (IMMEDIATE), so
    /// concurrent writers queue on the busy timeout; a deferred transaction that read first
    /// would instead fail at its first write once another writer committed (SQLITE_BUSY /
    /// BUSY_SNAPSHOT, which the timeout does not wait out). PostgreSQL ignores the mode.
    pub(crate) async fn write(&self) -> Result<sea_orm::DatabaseTransaction, DbErr> {
        use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
        self.db
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..Default::default()
            })
            .await
    }

    /// The hash of every stored file a record points at (library versions, attachments and
    /// evaluation evidence):
    /// what a backup must hold besides the database.
    pub async fn stored_file_hashes(&self) -> Result<std::collections::BTreeSet<String>> {
        use sea_orm::{EntityTrait, QuerySelect};
        let library: Vec<String> = entities::library_file::Entity::find()
            .select_only()
            .column(entities::library_file::Column::Hash)
            .distinct()
            .into_tuple()
            .all(&self.db)
            .await?;
        let attached: Vec<String> = entities::running_file::Entity::find()
            .select_only()
            .column(entities::running_file::Column::Hash)
            .distinct()
            .into_tuple()
            .all(&self.db)
            .await?;
        let evidence: Vec<String> = entities::evaluation_evidence::Entity::find()
            .select_only()
            .column(entities::evaluation_evidence::Column::Hash)
            .distinct()
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(library.into_iter().chain(attached).chain(evidence).collect())
    }

    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    /// A number that moves whenever anything of the county changes: the id of its newest audit
    /// entry (every write records one in its transaction). Derived data is cached by it.
    pub async fn version(&self, county_id: i64) -> Result<i64> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
        let newest = entities::audit_log::Entity::find()
            .select_only()
            .column(entities::audit_log::Column::Id)
            .filter(entities::audit_log::Column::CountyId.eq(county_id))
            .order_by_desc(entities::audit_log::Column::Id)
            .limit(1)
            .into_tuple::<i64>()
            .one(&self.db)
            .await?;
        Ok(newest.unwrap_or(0))
    }

    /// A trivial query, for readiness checks.
    pub async fn ping(&self) -> Result<()> {
        self.db.ping().await?;
        Ok(())
    }
}

/// The version of an editable record: when it last changed. Sent as the `ETag` of the record and
/// expected back in `If-Match` (and in the edit pages' hidden `_version`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version(pub chrono::DateTime<Utc>);

impl Version {
    /// `"1764318785272520000"`: nanoseconds of the last change, quoted as an entity tag.
    pub fn etag(&self) -> String {
        format!("\"{}\"", self.0.timestamp_nanos_opt().unwrap_or_default())
    }

    /// A version from an entity tag (weak or strong), the bare number, or the record's
    /// `updated_at` as the API shows it (so a list's rows can be saved with `If-Match` too);
    /// `None` for anything else.
    pub fn parse(tag: &str) -> Option<Version> {
        let bare = tag.trim().trim_start_matches("W/").trim_matches('"');
        if let Ok(n) = bare.parse::<i64>() {
            return Some(Version(chrono::DateTime::from_timestamp_nanos(n)));
        }
        chrono::DateTime::parse_from_rfc3339(bare).ok().map(|t| Version(t.with_timezone(&Utc)))
    }
}

/// Takes the row for this transaction if it still has the version the caller read: a
/// conditional update that locks it (PostgreSQL: the row; SQLite: the database for writing), so
/// two saves of the same version cannot both pass. Without an expected version it does nothing.
pub(crate) async fn claim<C: ConnectionTrait>(txn: &C, table: &str, id: i64, expected: Option<Version>) -> Result<()> {
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
    let Some(Version(at)) = expected else { return Ok(()) };
    let statement = Query::update()
        .table(Alias::new(table))
        .value(Alias::new("updated_at"), Expr::col(Alias::new("updated_at")))
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .and_where(Expr::col(Alias::new("updated_at")).eq(at))
        .to_owned();
    let done = txn.execute(&statement).await?;
    if done.rows_affected() == 0 { Err(StoreError::Stale) } else { Ok(()) }
}

/// Records one change in the audit log, inside the caller's transaction. `before` and `after`
/// are the record as JSON (see [`json`]).
pub(crate) async fn audit<C: ConnectionTrait>(
    conn: &C,
    ctx: &Ctx,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    before: Option<String>,
    after: Option<String>,
) -> Result<()> {
    entities::audit_log::ActiveModel {
        county_id: Set(ctx.county_id),
        user_id: Set(ctx.user_id),
        username: Set(ctx.username.clone()),
        at: Set(Utc::now()),
        action: Set(action.to_string()),
        entity: Set(entity.to_string()),
        entity_id: Set(entity_id),
        before: Set(before),
        after: Set(after),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// A record as JSON, for the audit log.
pub(crate) fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// Whether the database refused a row for a unique constraint or index.
pub(crate) fn is_unique_violation(err: &DbErr) -> bool {
    let text = err.to_string().to_lowercase();
    text.contains("unique") || text.contains("duplicate")
}

/// Maps a unique-constraint violation to a conflict naming the value.
pub(crate) fn conflict_on_unique(err: DbErr, value: &str) -> StoreError {
    if is_unique_violation(&err) { StoreError::Conflict(Problem::AlreadyExists { value: value.to_string() }) } else { StoreError::Db(err) }
}
