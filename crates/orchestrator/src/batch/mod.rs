//! The OpenAI Batch format, which `vllm run-batch`, hosted Batch APIs and batch pipelines read:
//! `batch export` writes one request per paper still without a brief (exactly the body `run`
//! would send), `batch import` reads the results back, validates each answer as `run` does and
//! stores the accepted briefs, then writes the report. A manifest kept in the store ties every
//! `custom_id` to its paper, version, brief key and request body, so a result can never be
//! applied to the wrong paper or to a prompt that has changed since.

mod export;
mod hosted;
mod import;

use paperbrief_core::{ArxivId, PaperRef, ReportDate};
use paperbrief_report::SourceInfo;
use serde::{Deserialize, Serialize};

use crate::store::BriefKey;

pub use export::{Exported, export};
pub use hosted::{Collected, Submitted, collect, status, submit};
pub use import::{Imported, Problem, import};

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

/// `pb1:{date}:{versioned id}:{key digest}:{body digest}`: the paper, its version, its brief
/// key (template, model, sampling) and the exact request body.
pub fn custom_id(date: ReportDate, id: &ArxivId, key: &BriefKey, body: &str) -> String {
    let body_digest = &paperbrief_fetch::cache::hex_sha256(body.as_bytes())[..12];
    format!("pb1:{date}:{id}:{}:{body_digest}", key.digest())
}
