//! The on-disk cache of fetched pages.
//!
//! An entry is one file: a JSON header line (URL, status, time, length, sha256 of the body)
//! followed by the body. A header that does not parse or a body whose length or hash does not
//! match is a corrupt entry: it is logged, removed and treated as a miss, never fatal.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use paperbrief_core::fs::{Visibility, atomic_write};
use paperbrief_core::hash::hex_sha256;
use serde::{Deserialize, Serialize};

use crate::error::FetchError;

/// What the cache knows about an entry besides its body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryMeta {
    /// The URL the body came from.
    pub url: String,
    /// The HTTP status it came with (404 marks "known not to exist").
    pub status: u16,
    /// When it was fetched, seconds since the Unix epoch.
    pub fetched_at: u64,
    /// Body length in bytes.
    pub len: u64,
    /// Hex sha256 of the body.
    pub sha256: String,
}

impl EntryMeta {
    /// How long ago the entry was fetched.
    pub fn age(&self) -> Duration {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        Duration::from_secs(now.saturating_sub(self.fetched_at))
    }
}

/// A cached response.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The header.
    pub meta: EntryMeta,
    /// The body.
    pub body: Vec<u8>,
}

/// A directory of cached responses, grouped by namespace (`html`, `abs`, …).
#[derive(Debug, Clone)]
pub struct Cache {
    root: PathBuf,
}

impl Cache {
    /// A cache rooted at `root` (created on first write).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path(&self, namespace: &str, key: &str) -> PathBuf {
        self.root.join(namespace).join(key)
    }

    /// Reads an entry; a missing or corrupt entry is `None`.
    pub fn get(&self, namespace: &str, key: &str) -> Option<Entry> {
        let path = self.path(namespace, key);
        let raw = fs::read(&path).ok()?;
        match decode(&raw) {
            Some(entry) => Some(entry),
            None => {
                tracing::warn!(target: "paperbrief::cache", "corrupt cache entry {}; refetching", path.display());
                let _ = fs::remove_file(&path);
                None
            }
        }
    }

    /// Writes an entry atomically.
    pub fn put(
        &self,
        namespace: &str,
        key: &str,
        url: &str,
        status: u16,
        body: &[u8],
    ) -> Result<(), FetchError> {
        let meta = EntryMeta {
            url: url.to_owned(),
            status,
            fetched_at: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default()
                .as_secs(),
            len: body.len() as u64,
            sha256: hex_sha256(body),
        };
        let mut data = serde_json::to_vec(&meta).unwrap_or_default();
        data.push(b'\n');
        data.extend_from_slice(body);
        let path = self.path(namespace, key);
        atomic_write(&path, &data, Visibility::Private)
            .map_err(|source| FetchError::Cache { path, source })
    }
}

fn decode(raw: &[u8]) -> Option<Entry> {
    let nl = raw.iter().position(|&b| b == b'\n')?;
    let meta: EntryMeta = serde_json::from_slice(&raw[..nl]).ok()?;
    let body = raw[nl + 1..].to_vec();
    (body.len() as u64 == meta.len && hex_sha256(&body) == meta.sha256)
        .then_some(Entry { meta, body })
}

/// The cache directory: `[cache] dir` when set, else the platform's cache directory
/// (`$XDG_CACHE_HOME/paperbrief`, `~/.cache/paperbrief`, …); `None` if there is neither.
pub fn resolve_cache_dir(config: &paperbrief_core::Config) -> Option<PathBuf> {
    config.cache_dir().or_else(|| {
        directories::ProjectDirs::from("", "", "paperbrief").map(|d| d.cache_dir().to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_detects_corruption() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        cache
            .put(
                "html",
                "2602.07040v1",
                "http://x/html/2602.07040v1",
                200,
                b"<html>body</html>",
            )
            .unwrap();
        let e = cache.get("html", "2602.07040v1").unwrap();
        assert_eq!(e.body, b"<html>body</html>");
        assert_eq!(e.meta.status, 200);
        assert!(e.meta.age() < Duration::from_secs(60));

        // Truncate the body: the entry is refused and removed.
        let path = dir.path().join("html/2602.07040v1");
        let raw = fs::read(&path).unwrap();
        fs::write(&path, &raw[..raw.len() - 3]).unwrap();
        assert!(cache.get("html", "2602.07040v1").is_none());
        assert!(!path.exists());

        // Garbage instead of a header.
        fs::write(&path, b"garbage").unwrap();
        assert!(cache.get("html", "2602.07040v1").is_none());
        assert!(cache.get("html", "missing").is_none());
    }
}
