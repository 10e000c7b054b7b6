//! Every finished stage, kept on disk so a rerun does no work twice and a killed run loses
//! nothing: the SourceDoc per paper version, the raw answer and Brief per (paper version,
//! template, model, sampling settings), and each day's list with the versions it resolved.
//! Files are written atomically; an unreadable file is treated as absent (and logged).

use std::path::{Path, PathBuf};

use paperbrief_core::{ArxivId, PaperRef, ReportDate, SourceDoc};
use paperbrief_fetch::atomic_write;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::OrchestratorError;
use crate::report::{Provenance, SourceInfo};

/// A paper's text as read, with why the full text was not used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredSource {
    /// What was read.
    pub doc: SourceDoc,
    /// Why not the full text, when not.
    pub fallback: Option<String>,
}

/// What identifies a brief: the same inputs give the same brief.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BriefKey {
    /// Paper id with version.
    pub id: String,
    /// Template id.
    pub template_id: String,
    /// Model name.
    pub model: String,
    /// Sampling temperature.
    pub temperature: f64,
    /// Answer token limit.
    pub max_tokens: u32,
    /// Output mode.
    pub output: String,
    /// Extra request fields.
    pub extra_body: serde_json::Value,
}

impl BriefKey {
    /// A short hash of the key, for file names.
    pub fn digest(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        paperbrief_fetch::cache::hex_sha256(&json)[..16].to_owned()
    }
}

/// A finished brief as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredBrief {
    /// Its key.
    pub key: BriefKey,
    /// What was read and cut.
    pub source: SourceInfo,
    /// The model's accepted answer, as it came.
    pub raw_answer: String,
    /// The parsed brief.
    pub brief: paperbrief_prompt::Brief,
    /// How it was made.
    pub provenance: Provenance,
}

/// A day's list as last read, with the versions resolved for its papers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListSnapshot {
    /// Papers in report order.
    pub papers: Vec<PaperRef>,
    /// Versioned ids, by base id.
    pub versions: std::collections::BTreeMap<String, String>,
}

/// The store, rooted in the cache directory.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

impl Store {
    /// A store under `root` (created on first write).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    fn source_path(&self, id: &ArxivId) -> PathBuf {
        self.root
            .join("sources")
            .join(format!("{}.json", id.file_stem()))
    }

    fn brief_path(&self, id: &ArxivId, key: &BriefKey) -> PathBuf {
        self.root
            .join("briefs")
            .join(format!("{}-{}.json", id.file_stem(), key.digest()))
    }

    fn list_path(&self, date: ReportDate) -> PathBuf {
        self.root.join("lists").join(format!("{date}.json"))
    }

    /// The stored text of a paper version.
    pub fn source(&self, id: &ArxivId) -> Option<StoredSource> {
        read(&self.source_path(id))
    }

    /// Stores the text of a paper version.
    pub fn put_source(&self, id: &ArxivId, source: &StoredSource) -> Result<(), OrchestratorError> {
        write(&self.source_path(id), source)
    }

    /// Forgets the stored text of a paper version (it will be read again).
    pub fn remove_source(&self, id: &ArxivId) -> std::io::Result<()> {
        match std::fs::remove_file(self.source_path(id)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// The stored brief for a key, if it is for exactly that key.
    pub fn brief(&self, id: &ArxivId, key: &BriefKey) -> Option<StoredBrief> {
        read::<StoredBrief>(&self.brief_path(id, key)).filter(|b| &b.key == key)
    }

    /// Stores a brief.
    pub fn put_brief(&self, id: &ArxivId, brief: &StoredBrief) -> Result<(), OrchestratorError> {
        write(&self.brief_path(id, &brief.key), brief)
    }

    /// The day's list as last read.
    pub fn list(&self, date: ReportDate) -> Option<ListSnapshot> {
        read(&self.list_path(date))
    }

    /// Stores the day's list.
    pub fn put_list(&self, date: ReportDate, list: &ListSnapshot) -> Result<(), OrchestratorError> {
        write(&self.list_path(date), list)
    }
}

/// Reads JSON; a missing file is `None`, an unreadable one is logged and `None`.
pub(crate) fn read<T: DeserializeOwned>(path: &Path) -> Option<T> {
    let bytes = std::fs::read(path).ok()?;
    match serde_json::from_slice(&bytes) {
        Ok(v) => Some(v),
        Err(e) => {
            tracing::warn!(target: "paperbrief::store", "ignoring unreadable {}: {e}", path.display());
            None
        }
    }
}

/// Writes JSON atomically.
pub(crate) fn write<T: Serialize>(path: &Path, value: &T) -> Result<(), OrchestratorError> {
    let json = serde_json::to_vec_pretty(value).map_err(|e| OrchestratorError::Io {
        path: path.to_owned(),
        message: e.to_string(),
    })?;
    atomic_write(path, &json).map_err(|e| OrchestratorError::Io {
        path: path.to_owned(),
        message: e.to_string(),
    })
}
