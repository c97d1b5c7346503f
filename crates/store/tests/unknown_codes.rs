//! A coded column is read as its vocabulary: a row whose column holds a code the vocabulary does
//! not know (written behind the application's back, past the schema's checks) makes reading it an
//! error that names the column and the value, never a default.
//!
//! The rows come from release 0.1's demo database (`fixtures/`), on SQLite and, when
//! `DATABASE_URL_PG` is set, on PostgreSQL.

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};
use std::path::PathBuf;
use xuequ_store::Store;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// The first row of `sql` as two integers.
async fn pair(db: &DatabaseConnection, sql: &str) -> (i64, i64) {
    let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().expect("a row");
    (row.try_get_by_index::<i64>(0).unwrap(), row.try_get_by_index::<i64>(1).unwrap())
}

/// Writes unknown codes into a school's status and a teacher's (nullable) section through `raw`
/// (a connection that bypasses the checks), then reads both through the store.
async fn unknown_codes_are_errors(store: &Store, raw: &DatabaseConnection) {
    let db = store.connection();
    let (school, county) = pair(db, "SELECT id, county_id FROM school ORDER BY id LIMIT 1").await;
    let (teacher, _) = pair(db, "SELECT id, county_id FROM teacher ORDER BY id LIMIT 1").await;
    assert!(store.school(county, school).await.unwrap().is_some(), "the school reads before");
    assert!(store.teacher(county, teacher).await.unwrap().is_some(), "the teacher reads before");

    raw.execute_unprepared(&format!("UPDATE school SET status = 'zombie' WHERE id = {school}")).await.unwrap();
    raw.execute_unprepared(&format!("UPDATE teacher SET section = 'college' WHERE id = {teacher}")).await.unwrap();

    let error = store.school(county, school).await.expect_err("an unknown school status is an error").to_string();
    assert!(error.contains("zombie") && error.contains("status"), "the error names the value and the column: {error}");
    let error = store.teacher(county, teacher).await.expect_err("an unknown section is an error").to_string();
    assert!(error.contains("college") && error.contains("section"), "the error names the value and the column: {error}");
    let error = store.active_teachers(county).await.expect_err("a list with the row is an error").to_string();
    assert!(error.contains("college"), "{error}");

    // NULL stays a missing section, and a known code reads again.
    raw.execute_unprepared(&format!("UPDATE teacher SET section = NULL WHERE id = {teacher}")).await.unwrap();
    assert_eq!(store.teacher(county, teacher).await.unwrap().unwrap().section, None);
    raw.execute_unprepared(&format!("UPDATE school SET status = 'retired' WHERE id = {school}")).await.unwrap();
    assert_eq!(store.school(county, school).await.unwrap().unwrap().status, xuequ_domain::Status::Retired);
}

#[tokio::test]
async fn sqlite_refuses_to_read_an_unknown_code() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("codes.db");
    std::fs::copy(fixture("release-0.1.sqlite3"), &path).unwrap();
    let url = format!("sqlite://{}?mode=rw", path.display());
    let store = Store::open(&url).await.unwrap();
    // One connection that ignores CHECK constraints, as a hand-edited database file would.
    let mut options = ConnectOptions::new(url.as_str());
    options.max_connections(1).min_connections(1).sqlx_logging(false);
    let raw = Database::connect(options).await.unwrap();
    raw.execute_unprepared("PRAGMA ignore_check_constraints = ON").await.unwrap();
    unknown_codes_are_errors(&store, &raw).await;
}

#[tokio::test]
async fn postgres_refuses_to_read_an_unknown_code() {
    let Some(admin_url) = std::env::var("DATABASE_URL_PG").ok().filter(|u| !u.is_empty()) else {
        eprintln!("skipping PostgreSQL: DATABASE_URL_PG is not set");
        return;
    };
    let admin = Database::connect(admin_url.as_str()).await.unwrap();
    let name = format!("xuequ_codes_{}_{}", std::process::id(), rand_suffix());
    admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
    let url = database_url(&admin_url, &name);
    let outcome = tokio::spawn(async move {
        let dump = std::fs::read_to_string(fixture("release-0.1-postgres.sql")).unwrap();
        Database::connect(url.as_str()).await.unwrap().execute_unprepared(&dump).await.expect("the dump loads");
        let store = Store::open(&url).await.unwrap();
        // A connection of its own: the dump empties its connection's search path.
        let raw = Database::connect(url.as_str()).await.unwrap();
        // Drop the checks on the two columns, as a hand-edited database might have.
        for (table, column) in [("school", "status"), ("teacher", "section")] {
            let sql = format!(
                "SELECT conname FROM pg_constraint WHERE conrelid = '{table}'::regclass AND contype = 'c' \
                 AND pg_get_constraintdef(oid) LIKE '%{column}%'"
            );
            for row in raw.query_all_raw(Statement::from_string(DbBackend::Postgres, sql)).await.unwrap() {
                let constraint: String = row.try_get_by_index(0).unwrap();
                raw.execute_unprepared(&format!("ALTER TABLE {table} DROP CONSTRAINT \"{constraint}\"")).await.unwrap();
            }
        }
        unknown_codes_are_errors(&store, &raw).await;
    })
    .await;
    admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.unwrap();
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

fn rand_suffix() -> u32 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or_default()
}

fn database_url(admin_url: &str, name: &str) -> String {
    match admin_url.rsplit_once('/') {
        Some((server, _)) if server.len() > "postgres://".len() => format!("{server}/{name}"),
        _ => format!("{}/{name}", admin_url.trim_end_matches('/')),
    }
}
