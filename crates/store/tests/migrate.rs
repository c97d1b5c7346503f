//! Databases made by release 0.1 (a SQLite file and a PostgreSQL dump in `fixtures/`, made by
//! that release's `xuequ serve --demo` with a plan saved and the teacher and facility lists
//! thinned to keep them small) open with this release: every row is still there, the new
//! constraints hold, and the schema is the one a fresh install gets.

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};
use std::path::PathBuf;
use xuequ_store::Store;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// Key columns of every table, as text, row by row.
const CONTENT: &[(&str, &str)] = &[
    ("county", "id, code, name"),
    ("school", "id, county_id, code, name, school_type, campus_of, latitude, status"),
    ("school_stat", "id, school_id, year, students_primary, students_junior, teaching_area"),
    ("teacher", "id, school_id, staff_no, name, degree, backbone, joined_school_on"),
    ("facility", "id, school_id, name, kind, capacity"),
    ("cluster", "id, name, form, level, lead_school_id, founded_on, status"),
    ("cluster_member", "id, cluster_id, school_id, role, level, joined_on, left_on"),
    ("cluster_officer", "id, cluster_id, role, person_name, school_id"),
    ("app_user", "id, county_id, username, password_hash, role, school_id, cluster_id"),
    ("audit_log", "id, county_id, action, entity, entity_id, after"),
    ("plan", "id, name, stage, clusters, applied_on"),
];

async fn content(db: &DatabaseConnection) -> Vec<String> {
    let mut out = Vec::new();
    for (table, columns) in CONTENT {
        let text = columns.split(", ").map(|c| format!("COALESCE(CAST(\"{c}\" AS TEXT), '-')")).collect::<Vec<_>>().join(" || '|' || ");
        let sql = format!("SELECT {text} AS row FROM \"{table}\" ORDER BY id");
        let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
        assert!(!rows.is_empty(), "the fixture has rows in {table}");
        out.extend(rows.iter().map(|r| format!("{table}: {}", r.try_get::<String>("", "row").unwrap())));
    }
    out
}

/// Statements the new constraints must refuse, each with what it breaks.
fn refused() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "a teacher of a school that does not exist",
            "INSERT INTO teacher (county_id, school_id, staff_no, name, gender, subject, degree, title, backbone, joined_school_on, status, created_at, updated_at) \
             VALUES (1, 999999, 'MIG1', '测试', 'male', 'math', 'bachelor', 'first', 'none', '2020-01-01', 'active', '2024-01-01 00:00:00+00:00', '2024-01-01 00:00:00+00:00')",
        ),
        ("an unknown school type", "UPDATE school SET school_type = 'palace' WHERE id = 1"),
        ("a negative number of students", "UPDATE school_stat SET students_primary = -1 WHERE id = 1"),
        (
            "a second current cluster at one level",
            "INSERT INTO cluster_member (county_id, cluster_id, school_id, role, level, joined_on, left_on) \
             SELECT county_id, cluster_id, school_id, role, level, joined_on, left_on FROM cluster_member WHERE left_on IS NULL ORDER BY id LIMIT 1",
        ),
        ("a membership that ends before it begins", "UPDATE cluster_member SET left_on = '2000-01-01' WHERE id = 1"),
        (
            "a session of nobody",
            "INSERT INTO session (token_hash, user_id, kind, csrf, created_at, expires_at) VALUES ('x', 999999, 'web', 'c', '2024-01-01 00:00:00+00:00', '2024-01-02 00:00:00+00:00')",
        ),
    ]
}

async fn migrated_database_keeps_everything(old_url: &str, fresh_url: &str) {
    let before = content(&Database::connect(old_url).await.unwrap()).await;
    let store = Store::open(old_url).await.expect("release 0.1's database migrates");
    let db = store.connection();
    assert_eq!(content(db).await, before, "every row is kept");
    for (what, sql) in refused() {
        assert!(db.execute_unprepared(sql).await.is_err(), "the schema refuses {what}");
    }
    assert!(store.version(1).await.unwrap() > 0, "the county's version is its newest audit entry");
    assert_eq!(schema(db).await, schema(Store::open(fresh_url).await.unwrap().connection()).await, "the schema of a fresh install");
    // Opening again changes nothing.
    assert_eq!(content(Store::open(old_url).await.unwrap().connection()).await, before);
}

/// Columns, constraints and indexes, in a form both backends give.
async fn schema(db: &DatabaseConnection) -> Vec<String> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Sqlite => {
            "SELECT m.name || '.' || p.name || ' ' || p.type || ' notnull=' || p.\"notnull\" || ' pk=' || p.pk AS row \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' \
             UNION ALL SELECT 'index ' || name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
             UNION ALL SELECT 'fk ' || m.name || '.' || f.\"from\" || ' ' || f.\"table\" || ' ' || f.on_delete FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table' \
             ORDER BY 1"
        }
        _ => {
            "SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable AS row FROM information_schema.columns WHERE table_schema = current_schema() \
             UNION ALL SELECT 'index ' || indexname FROM pg_indexes WHERE schemaname = current_schema() \
             UNION ALL SELECT 'constraint ' || conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = current_schema() \
             ORDER BY 1"
        }
    };
    let rows = db.query_all_raw(Statement::from_string(backend, sql)).await.unwrap();
    rows.iter().map(|r| r.try_get::<String>("", "row").unwrap()).filter(|r| !r.starts_with("seaql_migrations")).collect()
}

#[tokio::test]
async fn a_sqlite_database_of_release_0_1_migrates_with_nothing_lost() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.db");
    std::fs::copy(fixture("release-0.1.sqlite3"), &old).unwrap();
    let old_url = format!("sqlite://{}?mode=rw", old.display());
    let fresh_url = format!("sqlite://{}?mode=rwc", dir.path().join("fresh.db").display());
    // The control: release 0.1's schema took every one of the statements the new one refuses.
    let control = dir.path().join("control.db");
    std::fs::copy(fixture("release-0.1.sqlite3"), &control).unwrap();
    let control = Database::connect(format!("sqlite://{}?mode=rw", control.display())).await.unwrap();
    for (what, sql) in refused() {
        control.execute_unprepared(sql).await.unwrap_or_else(|e| panic!("release 0.1 took {what}: {e}"));
    }
    migrated_database_keeps_everything(&old_url, &fresh_url).await;
}

#[tokio::test]
async fn a_postgres_database_of_release_0_1_migrates_with_nothing_lost() {
    let Some(admin_url) = std::env::var("DATABASE_URL_PG").ok().filter(|u| !u.is_empty()) else {
        eprintln!("skipping PostgreSQL: DATABASE_URL_PG is not set");
        return;
    };
    let admin = Database::connect(admin_url.as_str()).await.unwrap();
    let suffix = format!("{}_{}", std::process::id(), rand_suffix());
    let (old, fresh) = (format!("xuequ_mig_old_{suffix}"), format!("xuequ_mig_fresh_{suffix}"));
    for name in [&old, &fresh] {
        admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
    }
    let (old_url, fresh_url) = (database_url(&admin_url, &old), database_url(&admin_url, &fresh));
    let dump = std::fs::read_to_string(fixture("release-0.1-postgres.sql")).unwrap();
    Database::connect(old_url.as_str()).await.unwrap().execute_unprepared(&dump).await.expect("the dump loads");
    let outcome = tokio::spawn(async move { migrated_database_keeps_everything(&old_url, &fresh_url).await }).await;
    for name in [&old, &fresh] {
        admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.unwrap();
    }
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

/// Instances started together on an empty PostgreSQL database migrate it once: each takes the
/// advisory lock in turn, the first migrates, the others find nothing left to do.
#[tokio::test(flavor = "multi_thread")]
async fn instances_started_together_migrate_an_empty_database_once() {
    let Some(admin_url) = std::env::var("DATABASE_URL_PG").ok().filter(|u| !u.is_empty()) else {
        eprintln!("skipping PostgreSQL: DATABASE_URL_PG is not set");
        return;
    };
    let admin = Database::connect(admin_url.as_str()).await.unwrap();
    let name = format!("xuequ_mig_together_{}_{}", std::process::id(), rand_suffix());
    admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
    let url = database_url(&admin_url, &name);
    let outcome = tokio::spawn(async move {
        let starts: Vec<_> = (0..3)
            .map(|_| {
                let url = url.clone();
                tokio::spawn(async move { Store::open(&url).await })
            })
            .collect();
        let mut stores = Vec::new();
        for s in starts {
            stores.push(s.await.unwrap().expect("every instance starts"));
        }
        for store in &stores {
            assert!(store.schema_current().await.unwrap(), "every instance sees the schema current");
        }
        let db = Database::connect(url.as_str()).await.unwrap();
        let rows = db
            .query_all_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT version, count(*) AS n FROM seaql_migrations GROUP BY version HAVING count(*) > 1",
            ))
            .await
            .unwrap();
        assert!(rows.is_empty(), "no migration recorded twice");
    })
    .await;
    admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.unwrap();
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}
