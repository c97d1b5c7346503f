//! Where the library's file bytes and its search index live: the bytes in an `object_store`
//! (a folder under the data directory by default, S3-compatible storage when configured) under
//! their SHA-256, so a file uploaded twice is stored once; the index in a folder of its own.
//!
//! Bytes are written before the database row that points at them (an interrupted upload, or a
//! new version refused after its bytes were stored, leaves bytes nobody points at; the orphan
//! sweep (`library::sweep_orphans`) removes them once older than a grace period), and the index
//! follows the database (see `catch_up`): whatever the process was doing when it stopped, the
//! database says what the library holds.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::{Arc, Mutex};

use object_store::path::Path as StorePath;
use object_store::{ObjectStore, PutPayload};
use sha2::{Digest, Sha256};
use xuequ_search::fulltext::Library;

use crate::{AppError, Result};

/// The default largest file (MB): a 20-minute 1080p 微课 video.
pub const DEFAULT_MAX_FILE_MB: u64 = 300;

/// How old stored bytes nobody points at must be before the sweep removes them (minutes): far
/// longer than any upload takes between storing its bytes and saving its row.
pub const DEFAULT_ORPHAN_GRACE_MINUTES: u64 = 24 * 60;

/// The library's storage: file bytes, the index, the size limit, and resources whose counts
/// changed since the index last saw them.
pub struct Archive {
    pub index: Library,
    files: Arc<dyn ObjectStore>,
    pub max_file_bytes: u64,
    /// What describes the file storage, for the operator (`local: …` or `s3://…`).
    pub described: String,
    pub(super) stale: Mutex<BTreeSet<i64>>,
    /// Unreferenced bytes younger than this are left alone (an upload may be saving its row).
    pub orphan_grace: chrono::Duration,
}

impl Archive {
    /// Everything in memory (tests and commands that do not touch files).
    pub fn in_memory() -> Archive {
        Archive {
            index: Library::in_memory().expect("an index in memory"),
            files: Arc::new(object_store::memory::InMemory::new()),
            max_file_bytes: DEFAULT_MAX_FILE_MB * 1024 * 1024,
            described: "memory".into(),
            stale: Mutex::default(),
            orphan_grace: chrono::Duration::minutes(DEFAULT_ORPHAN_GRACE_MINUTES as i64),
        }
    }

    /// The index under `data_dir/library-index`; the files under `data_dir/files`, or at
    /// `files_url` (`s3://bucket/prefix`, with the endpoint and keys from the usual `AWS_*`
    /// variables).
    pub fn open(data_dir: &Path, files_url: Option<&str>, max_file_mb: u64) -> Result<Archive> {
        let index_dir = data_dir.join("library-index");
        std::fs::create_dir_all(&index_dir).map_err(|e| AppError::internal(format!("{}: {e}", index_dir.display())))?;
        let index = Library::in_dir(&index_dir).map_err(AppError::internal)?;
        let (files, described) = file_store(data_dir, files_url)?;
        Ok(Archive {
            index,
            files,
            max_file_bytes: max_file_mb * 1024 * 1024,
            described,
            stale: Mutex::default(),
            orphan_grace: chrono::Duration::minutes(DEFAULT_ORPHAN_GRACE_MINUTES as i64),
        })
    }

    /// The same archive with another grace period for unreferenced bytes.
    pub fn with_orphan_grace(mut self, minutes: u64) -> Archive {
        self.orphan_grace = chrono::Duration::minutes(minutes.min(100 * 365 * 24 * 60) as i64);
        self
    }

    /// The files alone, with an empty index in memory: for backup and restore, which run beside
    /// (or instead of) a server that holds the index.
    pub fn files_only(data_dir: &Path, files_url: Option<&str>) -> Result<Archive> {
        let (files, described) = file_store(data_dir, files_url)?;
        let index = Library::in_memory().map_err(AppError::internal)?;
        Ok(Archive {
            index,
            files,
            max_file_bytes: DEFAULT_MAX_FILE_MB * 1024 * 1024,
            described,
            stale: Mutex::default(),
            orphan_grace: chrono::Duration::minutes(DEFAULT_ORPHAN_GRACE_MINUTES as i64),
        })
    }

    /// Stores bytes under their hash (nothing is written when they are there already); the hash.
    pub async fn put(&self, bytes: &[u8]) -> Result<String> {
        let hash = hash_of(bytes);
        let path = location(&hash);
        // Bytes already there are reused, unless they are old enough for the orphan sweep to
        // take them before this upload saves its row: written again, they are young again.
        let fresh = match self.files.head(&path).await {
            Ok(meta) => chrono::Utc::now() - meta.last_modified < self.orphan_grace / 2,
            Err(_) => false,
        };
        if !fresh {
            self.files.put(&path, PutPayload::from(bytes.to_vec())).await.map_err(AppError::internal)?;
        }
        Ok(hash)
    }

    /// The hashes of the stored bytes last written before `before` (candidates for the orphan
    /// sweep; 64 bytes each, so even a million files list in memory).
    pub async fn older_than(&self, before: chrono::DateTime<chrono::Utc>) -> Result<Vec<String>> {
        use futures_util::StreamExt;
        let mut listed = self.files.list(None);
        let mut out = Vec::new();
        while let Some(meta) = listed.next().await {
            let meta = meta.map_err(AppError::internal)?;
            let Some(hash) = meta.location.filename() else { continue };
            if meta.last_modified < before && is_hash(hash) {
                out.push(hash.to_string());
            }
        }
        Ok(out)
    }

    /// Removes the bytes of `hash` if they were still last written before `before` (an upload
    /// that reused them since has written them again); whether they were removed.
    pub async fn remove_if_older(&self, hash: &str, before: chrono::DateTime<chrono::Utc>) -> Result<bool> {
        let path = location(hash);
        match self.files.head(&path).await {
            Ok(meta) if meta.last_modified < before => {}
            _ => return Ok(false),
        }
        match self.files.delete(&path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(true),
            Err(e) => Err(AppError::internal(e)),
        }
    }

    /// The bytes stored under `hash`.
    pub async fn get(&self, hash: &str) -> Result<bytes::Bytes> {
        let found = self.files.get(&location(hash)).await.map_err(|e| match e {
            object_store::Error::NotFound { .. } => AppError::Internal(format!("the stored file {hash} is missing")),
            e => AppError::internal(e),
        })?;
        found.bytes().await.map_err(AppError::internal)
    }

    /// Whether the bytes of `hash` are stored.
    pub async fn holds(&self, hash: &str) -> bool {
        self.files.head(&location(hash)).await.is_ok()
    }

    /// Marks resources whose counts changed, for the next `catch_up`.
    pub fn mark_stale(&self, id: i64) {
        self.stale.lock().expect("stale set").insert(id);
    }
}

/// Where the bytes live: S3-compatible storage at `files_url`, or `data_dir/files`.
fn file_store(data_dir: &Path, files_url: Option<&str>) -> Result<(Arc<dyn ObjectStore>, String)> {
    match files_url {
        Some(url) if url.starts_with("s3://") => {
            let s3 = object_store::aws::AmazonS3Builder::from_env().with_url(url).build().map_err(AppError::internal)?;
            Ok((Arc::new(s3), url.to_string()))
        }
        Some(other) => Err(AppError::internal(format!("file storage `{other}`: only s3:// URLs are understood"))),
        None => {
            let dir = data_dir.join("files");
            std::fs::create_dir_all(&dir).map_err(|e| AppError::internal(format!("{}: {e}", dir.display())))?;
            let local = object_store::local::LocalFileSystem::new_with_prefix(&dir).map_err(AppError::internal)?;
            Ok((Arc::new(local), format!("local: {}", dir.display())))
        }
    }
}

/// The SHA-256 of some bytes, in hex: the name they are stored under.
pub fn hash_of(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// `ab/cd/abcd…`: two levels of folders keep any one folder small (also inside a backup).
pub fn relative(hash: &str) -> String {
    match (hash.get(..2), hash.get(2..4)) {
        (Some(a), Some(b)) => format!("{a}/{b}/{hash}"),
        _ => hash.to_string(),
    }
}

/// Whether a stored name is one of our hashes (64 hex digits); anything else is left alone.
pub fn is_hash(name: &str) -> bool {
    name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit())
}

fn location(hash: &str) -> StorePath {
    StorePath::from(relative(hash))
}
