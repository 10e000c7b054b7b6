//! Every finished stage, kept on disk so a rerun does no work twice and a killed run loses
//! nothing: the SourceDoc per paper version (with whether its fallback was final), the raw
//! answer and Brief per (paper version, template, model, sampling settings), and each day's full
//! list with the versions it resolved and the items it could not use. Files are private, written
//! atomically, and read and written off the async workers; an unreadable file is treated as
//! absent (and logged).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use paperbrief_core::fs::{Visibility, atomic_write};
use paperbrief_core::{
    ArxivId, Fallback, OutputMode, PaperRef, ReportDate, SkippedItem, SourceDoc,
};
use paperbrief_fetch::FigureImage;
use paperbrief_report::{FigureFile, FigureName, Provenance, SourceInfo};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::OrchestratorError;

/// A paper's text as read, with why the full text was not used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredSource {
    /// What was read.
    pub doc: SourceDoc,
    /// Why not the full text, when not. A file written before the flag was recorded counts as
    /// temporary, so its HTML is tried once more.
    #[serde(flatten, with = "paperbrief_core::fallback::store_fields")]
    pub fallback: Option<Fallback>,
}

impl StoredSource {
    /// Read from the abstract because the HTML was (or may have been) only temporarily
    /// unavailable: worth asking arXiv again.
    pub fn is_degraded(&self) -> bool {
        Fallback::degrades(self.fallback.as_ref())
    }
}

/// What identifies a brief: the same inputs give the same brief.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BriefKey {
    /// Paper id with version.
    pub id: ArxivId,
    /// Template id.
    pub template_id: String,
    /// Model name.
    pub model: String,
    /// Sampling temperature.
    pub temperature: f64,
    /// Answer token limit.
    pub max_tokens: u32,
    /// Output mode.
    pub output: OutputMode,
    /// Extra request fields.
    pub extra_body: serde_json::Value,
}

impl BriefKey {
    /// A short hash of the key, for file names.
    pub fn digest(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        paperbrief_core::hash::hex_sha256(&json)[..16].to_owned()
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
    pub brief: paperbrief_core::Brief,
    /// How it was made.
    pub provenance: Provenance,
}

/// A day's whole list as last read, with the versions resolved for its papers and the items
/// that could not be used.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListSnapshot {
    /// Papers in report order.
    pub papers: Vec<PaperRef>,
    /// Versioned ids, by base id.
    pub versions: BTreeMap<String, ArxivId>,
    /// Items of the list that could not be used.
    #[serde(default)]
    pub skipped: Vec<SkippedItem>,
}

/// A channel's delivery of a day (or digest), as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryRecord {
    /// When it was last sent (the day, or its latest update).
    pub at: chrono::DateTime<chrono::Utc>,
    /// Messages sent the last time.
    pub messages: usize,
    /// What the channel has been told of each paper, so far; absent in records of versions
    /// that sent no updates (nothing is sent again for those).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub told: Option<paperbrief_notify::Told>,
    /// Updates sent after the day itself.
    #[serde(default)]
    pub updates: u32,
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

    /// The store a configuration uses: `state/` in its cache directory, if it has one.
    pub fn for_config(config: &paperbrief_core::Config) -> Option<Self> {
        paperbrief_fetch::resolve_cache_dir(config).map(|cache| Self::new(cache.join("state")))
    }

    /// The directory holding the store.
    pub fn root(&self) -> &Path {
        &self.root
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
    pub async fn source(&self, id: &ArxivId) -> Option<StoredSource> {
        read(self.source_path(id)).await
    }

    /// Stores the text of a paper version.
    pub async fn put_source(
        &self,
        id: &ArxivId,
        source: &StoredSource,
    ) -> Result<(), OrchestratorError> {
        write(self.source_path(id), source).await
    }

    /// The stored brief for a key, if it is for exactly that key.
    pub async fn brief(&self, key: &BriefKey) -> Option<StoredBrief> {
        read::<StoredBrief>(self.brief_path(&key.id, key))
            .await
            .filter(|b| &b.key == key)
    }

    /// Stores a brief under its key.
    pub async fn put_brief(&self, brief: &StoredBrief) -> Result<(), OrchestratorError> {
        write(self.brief_path(&brief.key.id, &brief.key), brief).await
    }

    fn delivery_path(&self, key: &str, channel: &str) -> PathBuf {
        self.root
            .join("deliveries")
            .join(key)
            .join(format!("{channel}.json"))
    }

    /// Whether `channel` was sent the report `key` names (a date or a period: both validated,
    /// as channel names are, so they are safe in a path).
    pub async fn delivery(&self, key: &str, channel: &str) -> Option<DeliveryRecord> {
        read(self.delivery_path(key, channel)).await
    }

    /// Records a delivery.
    pub async fn put_delivery(
        &self,
        key: &str,
        channel: &str,
        record: &DeliveryRecord,
    ) -> Result<(), OrchestratorError> {
        write(self.delivery_path(key, channel), record).await
    }

    fn manifest_path(&self, date: ReportDate) -> PathBuf {
        self.root.join("batches").join(format!("{date}.json"))
    }

    /// The day's last batch export.
    pub async fn manifest(&self, date: ReportDate) -> Option<Manifest> {
        read(self.manifest_path(date)).await
    }

    /// The days whose export was submitted as a hosted batch, oldest first.
    pub async fn submitted_days(&self) -> Vec<ReportDate> {
        let dir = self.root.join("batches");
        let mut days: Vec<ReportDate> = tokio::task::spawn_blocking(move || {
            std::fs::read_dir(dir)
                .into_iter()
                .flatten()
                .filter_map(Result::ok)
                .filter_map(|e| {
                    let name = e.file_name().into_string().ok()?;
                    ReportDate::parse(name.strip_suffix(".json")?).ok()
                })
                .collect()
        })
        .await
        .unwrap_or_default();
        days.sort_unstable();
        let mut submitted = Vec::new();
        for day in days {
            if self
                .manifest(day)
                .await
                .is_some_and(|m| m.batch_id.is_some())
            {
                submitted.push(day);
            }
        }
        submitted
    }

    /// Keeps the day's batch export (replacing an earlier one: its results become stale).
    pub async fn put_manifest(&self, manifest: &Manifest) -> Result<(), OrchestratorError> {
        write(self.manifest_path(manifest.date), manifest).await
    }

    /// Where key figures are kept, each under the hash of its bytes.
    pub fn figures_dir(&self) -> PathBuf {
        self.root.join("figures")
    }

    /// Keeps a re-encoded figure under the hash of its bytes (the same figure is one file,
    /// however many papers or runs show it); its name and size.
    pub async fn put_figure(&self, image: FigureImage) -> Result<FigureFile, OrchestratorError> {
        let stem = &paperbrief_core::hash::hex_sha256(&image.bytes)[..32];
        let name = FigureName::parse(&format!("{stem}.{}", image.extension)).map_err(|e| {
            OrchestratorError::Store {
                path: self.figures_dir(),
                source: std::io::Error::other(e),
            }
        })?;
        let path = self.figures_dir().join(name.as_str());
        let target = path.clone();
        let (width, height) = (image.width, image.height);
        tokio::task::spawn_blocking(move || {
            if target.exists() {
                return Ok(());
            }
            atomic_write(&target, &image.bytes, Visibility::Private)
        })
        .await
        .map_err(std::io::Error::other)
        .and_then(|r| r)
        .map_err(|source| OrchestratorError::Store { path, source })?;
        Ok(FigureFile {
            name,
            width,
            height,
        })
    }

    /// The day's list as last read.
    pub async fn list(&self, date: ReportDate) -> Option<ListSnapshot> {
        read(self.list_path(date)).await
    }

    /// Stores the day's list.
    pub async fn put_list(
        &self,
        date: ReportDate,
        list: &ListSnapshot,
    ) -> Result<(), OrchestratorError> {
        write(self.list_path(date), list).await
    }
}

/// Reads JSON off the async workers; a missing file is `None`, an unreadable one is logged and
/// `None`.
pub(crate) async fn read<T: DeserializeOwned + Send + 'static>(path: PathBuf) -> Option<T> {
    tokio::task::spawn_blocking(move || read_now(&path))
        .await
        .ok()
        .flatten()
}

fn read_now<T: DeserializeOwned>(path: &Path) -> Option<T> {
    let bytes = std::fs::read(path).ok()?;
    match serde_json::from_slice(&bytes) {
        Ok(v) => Some(v),
        Err(e) => {
            tracing::warn!(target: "paperbrief::store", "ignoring unreadable {}: {e}", path.display());
            None
        }
    }
}

/// Writes JSON atomically (and synced) off the async workers.
pub(crate) async fn write<T: Serialize>(path: PathBuf, value: &T) -> Result<(), OrchestratorError> {
    let json = serde_json::to_vec_pretty(value).map_err(|e| OrchestratorError::Store {
        path: path.clone(),
        source: std::io::Error::other(e),
    })?;
    let target = path.clone();
    tokio::task::spawn_blocking(move || atomic_write(&target, &json, Visibility::Private))
        .await
        .map_err(std::io::Error::other)
        .and_then(|r| r)
        .map_err(|source| OrchestratorError::Store { path, source })
}

/// What an export sent, kept in the store for the import.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// The day.
    pub date: ReportDate,
    /// The model the requests name.
    pub model: String,
    /// One entry per request line.
    pub requests: Vec<ManifestEntry>,
    /// A hosted batch the requests were submitted as, once they were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_id: Option<String>,
}

/// One exported request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestEntry {
    /// Its `custom_id`.
    pub custom_id: String,
    /// The paper as listed.
    pub paper: PaperRef,
    /// The version read.
    pub id: ArxivId,
    /// The brief's key.
    pub key: BriefKey,
    /// What was read and cut.
    pub source: SourceInfo,
    /// The template id of the prompt.
    pub template_id: String,
    /// Our estimate of the prompt's tokens.
    pub prompt_tokens: usize,
    /// `max_tokens` of the request.
    pub max_tokens: u32,
}
