//! Which report files the index holds, as their length and modification time: a report whose
//! file changed is indexed again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use paperbrief_core::fs::{Visibility, atomic_write};
use serde::{Deserialize, Serialize};

use crate::error::SearchError;

/// A report file as the index last read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Stamp {
    len: u64,
    modified_ns: u128,
}

impl Stamp {
    /// The stamp of the file at `path`, or `None` when it cannot be read.
    pub(crate) fn of(path: &Path) -> Option<Self> {
        let meta = std::fs::metadata(path).ok()?;
        let modified_ns = meta
            .modified()
            .ok()?
            .duration_since(UNIX_EPOCH)
            .ok()?
            .as_nanos();
        Some(Self {
            len: meta.len(),
            modified_ns,
        })
    }
}

/// The index's manifest: its version and a stamp per report key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Manifest {
    pub(crate) version: u32,
    pub(crate) reports: BTreeMap<String, Stamp>,
}

impl Manifest {
    /// The manifest in `dir`; an empty one when there is none or it does not parse.
    pub(crate) fn read(dir: &Path) -> Self {
        std::fs::read(path(dir))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Writes the manifest into `dir`, atomically.
    pub(crate) fn write(&self, dir: &Path) -> Result<(), SearchError> {
        let path = path(dir);
        let json = serde_json::to_vec(self).unwrap_or_default();
        atomic_write(&path, &json, Visibility::Private)
            .map_err(|source| SearchError::Manifest { path, source })
    }
}

fn path(dir: &Path) -> PathBuf {
    dir.join("paperbrief-manifest.json")
}
