//! Where the library's file bytes and its search index live: the bytes in an `object_store`
//! (a folder under the data directory by default, S3-compatible storage when configured) under
//! their SHA-256, so a file uploaded twice is stored once; the index in a folder of its own.
//!
//! Bytes are written before the database row that points at them (an interrupted upload leaves
//! at most bytes nobody points at, which a later upload of the same file reuses), and the index
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

/// The library's storage: file bytes, the index, the size limit, and resources whose counts
/// changed since the index last saw them.
pub struct Archive {
    pub index: Library,
    files: Arc<dyn ObjectStore>,
    pub max_file_bytes: u64,
    /// What describes the file storage, for the operator (`local: …` or `s3://…`).
    pub described: String,
    pub(super) stale: Mutex<BTreeSet<i64>>,
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
        Ok(Archive { index, files, max_file_bytes: max_file_mb * 1024 * 1024, described, stale: Mutex::default() })
    }

    /// The files alone, with an empty index in memory: for backup and restore, which run beside
    /// (or instead of) a server that holds the index.
    pub fn files_only(data_dir: &Path, files_url: Option<&str>) -> Result<Archive> {
        let (files, described) = file_store(data_dir, files_url)?;
        let index = Library::in_memory().map_err(AppError::internal)?;
        Ok(Archive { index, files, max_file_bytes: DEFAULT_MAX_FILE_MB * 1024 * 1024, described, stale: Mutex::default() })
    }

    /// Stores bytes under their hash (nothing is written when they are there already); the hash.
    pub async fn put(&self, bytes: &[u8]) -> Result<String> {
        let hash = hash_of(bytes);
        let path = location(&hash);
        if self.files.head(&path).await.is_err() {
            self.files.put(&path, PutPayload::from(bytes.to_vec())).await.map_err(AppError::internal)?;
        }
        Ok(hash)
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

fn location(hash: &str) -> StorePath {
    StorePath::from(relative(hash))
}
