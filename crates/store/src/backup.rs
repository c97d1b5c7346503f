//! Consistent copies of the database while the server runs, and bringing one back.
//!
//! SQLite: `VACUUM INTO` writes a compact, consistent copy from one read transaction, so pages
//! keep being served while it runs. PostgreSQL: `pg_dump`, which also reads one snapshot.

use crate::{Result, Store, StoreError};
use sea_orm::{ConnectionTrait, DbBackend};
use std::path::Path;
use xuequ_domain::Problem;

impl Store {
    /// Writes a consistent copy of the whole database to `path`, which must not exist yet.
    pub async fn backup_to(&self, path: &Path, url: &str) -> Result<()> {
        if path.exists() {
            return Err(StoreError::invalid("to", Problem::AlreadyExists { value: path.display().to_string() }));
        }
        match self.backend() {
            DbBackend::Sqlite => {
                let target = path.to_string_lossy().replace('\'', "''");
                self.db.execute_unprepared(&format!("VACUUM INTO '{target}'")).await?;
                Ok(())
            }
            _ => {
                let status = std::process::Command::new("pg_dump")
                    .args(["--format=custom", "--no-owner", "--file"])
                    .arg(path)
                    .arg(url)
                    .status()
                    .map_err(|e| StoreError::invalid("to", Problem::BadFile { reason: format!("pg_dump: {e}") }))?;
                if status.success() {
                    Ok(())
                } else {
                    Err(StoreError::invalid("to", Problem::BadFile { reason: format!("pg_dump exited with {status}") }))
                }
            }
        }
    }
}

/// Restores a PostgreSQL backup made by [`Store::backup_to`] into the database at `url`,
/// replacing its tables.
pub fn restore_postgres(backup: &Path, url: &str) -> std::io::Result<bool> {
    let status = std::process::Command::new("pg_restore")
        .args(["--clean", "--if-exists", "--no-owner", "--single-transaction", "--dbname"])
        .arg(url)
        .arg(backup)
        .status()?;
    Ok(status.success())
}

/// Puts a SQLite backup in place of the database file of `data_dir`. The server must be stopped:
/// the copy is checked first, then written beside the live file and renamed over it, so a
/// failure leaves the old database untouched.
pub async fn restore_sqlite(backup: &Path, data_dir: &Path) -> Result<()> {
    // Opening runs the migrations, which proves the copy is a readable xuequ database and
    // brings an older backup up to date.
    let check = Store::open(&format!("sqlite://{}?mode=rw", backup.display())).await?;
    let integrity = check
        .db
        .query_one_raw(sea_orm::Statement::from_string(DbBackend::Sqlite, "PRAGMA integrity_check"))
        .await?
        .and_then(|row| row.try_get_by_index::<String>(0).ok())
        .unwrap_or_default();
    check.db.close_by_ref().await?;
    if integrity != "ok" {
        return Err(StoreError::invalid("from", Problem::BadFile { reason: integrity }));
    }
    let live = data_dir.join("xuequ.db");
    let staging = data_dir.join("xuequ.db.restoring");
    let io = |e: std::io::Error| StoreError::invalid("from", Problem::BadFile { reason: e.to_string() });
    std::fs::create_dir_all(data_dir).map_err(io)?;
    std::fs::copy(backup, &staging).map_err(io)?;
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(data_dir.join(format!("xuequ.db{suffix}")));
    }
    std::fs::rename(&staging, &live).map_err(io)?;
    Ok(())
}
