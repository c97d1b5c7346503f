//! The schema holds the rules it can: foreign keys with a chosen `ON DELETE`, checks that coded
//! columns hold known codes and counts are not negative, one current cluster per school and
//! level, and an index for the county's newest audit entry (the cache version).
//!
//! `ON DELETE`: records are retired, never deleted, so a parent with history cannot be deleted
//! (`RESTRICT`); an optional reference is cleared (`SET NULL`); a session dies with its account
//! and officers with their cluster (`CASCADE`).
//!
//! PostgreSQL adds the constraints in place. SQLite cannot add a constraint to a table, so each
//! table is rebuilt the way SQLite documents (rename, create with the constraints, copy, drop)
//! inside one transaction with foreign keys deferred to the commit, and the result is checked
//! with `PRAGMA foreign_key_check` before committing. Frozen: never edit.

use super::{IndexDef, create_indexes};
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0003_integrity"
    }
}

/// `(table, column, parent table, on delete)`; parents come before children.
const FOREIGN_KEYS: &[(&str, &str, &str, &str)] = &[
    ("school", "county_id", "county", "RESTRICT"),
    ("school", "campus_of", "school", "SET NULL"),
    ("school_stat", "county_id", "county", "RESTRICT"),
    ("school_stat", "school_id", "school", "RESTRICT"),
    ("teacher", "county_id", "county", "RESTRICT"),
    ("teacher", "school_id", "school", "RESTRICT"),
    ("facility", "county_id", "county", "RESTRICT"),
    ("facility", "school_id", "school", "RESTRICT"),
    ("cluster", "county_id", "county", "RESTRICT"),
    ("cluster", "lead_school_id", "school", "RESTRICT"),
    ("cluster_member", "county_id", "county", "RESTRICT"),
    ("cluster_member", "cluster_id", "cluster", "RESTRICT"),
    ("cluster_member", "school_id", "school", "RESTRICT"),
    ("cluster_officer", "county_id", "county", "RESTRICT"),
    ("cluster_officer", "cluster_id", "cluster", "CASCADE"),
    ("cluster_officer", "school_id", "school", "SET NULL"),
    ("app_user", "county_id", "county", "RESTRICT"),
    ("app_user", "school_id", "school", "SET NULL"),
    ("app_user", "cluster_id", "cluster", "SET NULL"),
    ("session", "user_id", "app_user", "CASCADE"),
    ("audit_log", "county_id", "county", "RESTRICT"),
    ("audit_log", "user_id", "app_user", "SET NULL"),
    ("plan", "county_id", "county", "RESTRICT"),
];

/// The codes each coded column may hold, as of this migration. A new code needs a new
/// migration; a test compares these with the domain's vocabularies.
pub const CODED: &[(&str, &str, &[&str])] = &[
    ("school", "school_type", &["primary", "junior", "nine_year", "teaching_point", "special"]),
    ("school", "locality", &["urban", "town", "rural"]),
    ("school", "status", &["active", "retired"]),
    ("teacher", "gender", &["male", "female"]),
    (
        "teacher",
        "subject",
        &[
            "chinese",
            "math",
            "english",
            "physics",
            "chemistry",
            "biology",
            "history",
            "geography",
            "politics",
            "science",
            "pe",
            "music",
            "art",
            "it",
            "other",
        ],
    ),
    ("teacher", "section", &["primary", "junior"]),
    ("teacher", "degree", &["high_school", "associate", "bachelor", "master", "doctor"]),
    ("teacher", "title", &["none", "third", "second", "first", "senior", "professor"]),
    ("teacher", "backbone", &["none", "school", "county", "city", "province", "national"]),
    ("teacher", "status", &["active", "retired"]),
    ("facility", "kind", &["lab", "gym", "library", "music_room", "art_room", "computer_room", "field", "other"]),
    ("facility", "status", &["active", "retired"]),
    (
        "cluster",
        "form",
        &["district", "tight_group", "loose_group", "entrusted", "fusion", "alliance", "bundle", "town_center", "multi_campus"],
    ),
    ("cluster", "level", &["county", "town"]),
    ("cluster", "status", &["active", "retired"]),
    ("cluster_member", "role", &["lead", "member"]),
    ("cluster_member", "level", &["county", "town"]),
    ("cluster_officer", "role", &["head", "deputy", "first_principal", "executive_principal", "council_chair"]),
    ("app_user", "role", &["bureau_admin", "inspector", "cluster_head", "school_admin", "teacher"]),
    ("session", "kind", &["web", "api"]),
    ("plan", "stage", &["primary", "junior", "both"]),
];

/// `(table, name, condition)` of the other checks.
const CHECKS: &[(&str, &str, &str)] = &[
    (
        "school_stat",
        "ck_school_stat_counts",
        "students_primary >= 0 AND students_junior >= 0 AND classes_primary >= 0 AND classes_junior >= 0 \
         AND multimedia_rooms >= 0 AND books >= 0 AND computers >= 0",
    ),
    ("school_stat", "ck_school_stat_amounts", "teaching_area >= 0 AND sports_area >= 0 AND equipment_value >= 0"),
    ("school_stat", "ck_school_stat_class_size", "max_class_size IS NULL OR max_class_size > 0"),
    ("facility", "ck_facility_size", "capacity >= 0 AND (area IS NULL OR area >= 0)"),
    ("cluster", "ck_cluster_dates", "dissolved_on IS NULL OR dissolved_on >= founded_on"),
    ("cluster_member", "ck_member_dates", "left_on IS NULL OR left_on >= joined_on"),
];

const INDEXES: &[IndexDef] = &[
    // The county's newest audit entry is read on every cached page (see `Store::version`).
    ("audit_log", "ix_audit_version", &["county_id", "id"], false),
];

/// The tables in the order their constraints are added (parents first).
const TABLES: &[&str] = &[
    "county",
    "school",
    "school_stat",
    "teacher",
    "facility",
    "cluster",
    "cluster_member",
    "cluster_officer",
    "app_user",
    "session",
    "audit_log",
    "plan",
];

/// Every constraint of a table, as SQL both backends read.
fn constraints(table: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (t, column, parent, on_delete) in FOREIGN_KEYS.iter().filter(|f| f.0 == table) {
        out.push(format!(
            "CONSTRAINT \"fk_{t}_{column}\" FOREIGN KEY (\"{column}\") REFERENCES \"{parent}\" (\"id\") ON DELETE {on_delete}"
        ));
    }
    for (t, column, codes) in CODED.iter().filter(|c| c.0 == table) {
        // Equalities rather than `IN (…)`: SQLite evaluates an IN list in a CHECK by building a
        // transient index for every row, which made a 100,000-row import 25 % slower.
        let list = codes.iter().map(|c| format!(" OR \"{column}\" = '{c}'")).collect::<String>();
        out.push(format!("CONSTRAINT \"ck_{t}_{column}\" CHECK (\"{column}\" IS NULL{list})"));
    }
    for (_, name, condition) in CHECKS.iter().filter(|c| c.0 == table) {
        out.push(format!("CONSTRAINT \"{name}\" CHECK ({condition})"));
    }
    out
}

/// A school is in at most one current cluster per level.
const ONE_CURRENT_CLUSTER: &str =
    "CREATE UNIQUE INDEX \"ux_member_current\" ON \"cluster_member\" (\"school_id\", \"level\") WHERE \"left_on\" IS NULL";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// SQLite's rebuild runs in a transaction of its own on one connection.
    fn use_transaction(&self) -> Option<bool> {
        None
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match manager.get_database_backend() {
            DbBackend::Sqlite => rebuild_sqlite(manager).await?,
            _ => {
                let db = manager.get_connection();
                for table in TABLES {
                    for constraint in constraints(table) {
                        db.execute_unprepared(&format!("ALTER TABLE \"{table}\" ADD {constraint}")).await?;
                    }
                }
                db.execute_unprepared(ONE_CURRENT_CLUSTER).await?;
            }
        }
        create_indexes(manager, INDEXES).await
    }
}

async fn rebuild_sqlite(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let txn = manager.get_connection().begin().await?;
    txn.execute_unprepared("PRAGMA defer_foreign_keys = ON").await?;
    for table in TABLES {
        let definition = sql_of(&txn, "table", table).await?.ok_or_else(|| DbErr::Migration(format!("no table {table}")))?;
        let indexes = index_sql(&txn, table).await?;
        let sequence = sequence_of(&txn, table).await?;
        let old = format!("{table}__old");
        txn.execute_unprepared(&format!("ALTER TABLE \"{table}\" RENAME TO \"{old}\"")).await?;
        for index in &indexes {
            // The renamed table keeps its indexes under their names; they are made again below.
            txn.execute_unprepared(&format!("DROP INDEX IF EXISTS \"{}\"", index.0)).await?;
        }
        txn.execute_unprepared(&with_constraints(&definition, table)).await?;
        txn.execute_unprepared(&format!("INSERT INTO \"{table}\" SELECT * FROM \"{old}\"")).await?;
        txn.execute_unprepared(&format!("DROP TABLE \"{old}\"")).await?;
        for (_, sql) in &indexes {
            txn.execute_unprepared(sql).await?;
        }
        if let Some(seq) = sequence {
            // AUTOINCREMENT never gives out an id twice, deleted rows' ids included.
            txn.execute_unprepared(&format!("UPDATE sqlite_sequence SET seq = MAX(seq, {seq}) WHERE name = '{table}'")).await?;
        }
    }
    txn.execute_unprepared(ONE_CURRENT_CLUSTER).await?;
    let broken = txn.query_all_raw(Statement::from_string(DbBackend::Sqlite, "PRAGMA foreign_key_check")).await?;
    if !broken.is_empty() {
        return Err(DbErr::Migration(format!("{} rows refer to records that do not exist; the database is unchanged", broken.len())));
    }
    txn.commit().await
}

/// The `CREATE TABLE` of release 0.1 with this migration's constraints added at its end.
fn with_constraints(definition: &str, table: &str) -> String {
    let extra = constraints(table);
    let body = definition.trim_end().trim_end_matches(')').trim_end();
    if extra.is_empty() { definition.to_string() } else { format!("{body}, {} )", extra.join(", ")) }
}

async fn sql_of<C: ConnectionTrait>(db: &C, kind: &str, name: &str) -> Result<Option<String>, DbErr> {
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "SELECT sql FROM sqlite_master WHERE type = ? AND name = ?",
            [kind.into(), name.into()],
        ))
        .await?;
    row.map(|r| r.try_get::<String>("", "sql")).transpose()
}

/// `(name, CREATE INDEX …)` of a table's own indexes (not those SQLite makes for UNIQUE).
async fn index_sql<C: ConnectionTrait>(db: &C, table: &str) -> Result<Vec<(String, String)>, DbErr> {
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
            [table.into()],
        ))
        .await?;
    rows.iter().map(|r| Ok((r.try_get::<String>("", "name")?, r.try_get::<String>("", "sql")?))).collect()
}

async fn sequence_of<C: ConnectionTrait>(db: &C, table: &str) -> Result<Option<i64>, DbErr> {
    let row = db
        .query_one_raw(Statement::from_sql_and_values(DbBackend::Sqlite, "SELECT seq FROM sqlite_sequence WHERE name = ?", [table.into()]))
        .await?;
    row.map(|r| r.try_get::<i64>("", "seq")).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use xuequ_domain::*;

    /// The checks list every code the domain knows: a new code needs a new migration.
    #[test]
    fn coded_columns_allow_exactly_the_domain_codes() {
        let want: &[(&str, &str, Vec<&str>)] = &[
            ("school", "school_type", SchoolType::codes()),
            ("school", "locality", Locality::codes()),
            ("school", "status", Status::codes()),
            ("teacher", "gender", Gender::codes()),
            ("teacher", "subject", Subject::codes()),
            ("teacher", "section", Section::codes()),
            ("teacher", "degree", Degree::codes()),
            ("teacher", "title", Title::codes()),
            ("teacher", "backbone", Backbone::codes()),
            ("teacher", "status", Status::codes()),
            ("facility", "kind", FacilityKind::codes()),
            ("facility", "status", Status::codes()),
            ("cluster", "form", ClusterForm::codes()),
            ("cluster", "level", ClusterLevel::codes()),
            ("cluster", "status", Status::codes()),
            ("cluster_member", "role", MemberRole::codes()),
            ("cluster_member", "level", ClusterLevel::codes()),
            ("cluster_officer", "role", OfficerRole::codes()),
            ("app_user", "role", Role::codes()),
        ];
        for (table, column, codes) in want {
            let found = CODED.iter().find(|c| c.0 == *table && c.1 == *column).unwrap_or_else(|| panic!("{table}.{column} has no check"));
            assert_eq!(found.2, codes.as_slice(), "{table}.{column}");
        }
    }

    #[test]
    fn constraints_are_added_before_the_closing_parenthesis() {
        let sql = with_constraints("CREATE TABLE \"plan\" ( \"id\" integer, \"county_id\" integer )", "plan");
        assert!(
            sql.starts_with("CREATE TABLE \"plan\" ( \"id\" integer, \"county_id\" integer, CONSTRAINT \"fk_plan_county_id\""),
            "{sql}"
        );
        assert!(sql.ends_with(" )"), "{sql}");
    }
}
