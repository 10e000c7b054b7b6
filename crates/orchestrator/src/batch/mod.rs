//! The OpenAI Batch format, which `vllm run-batch`, hosted Batch APIs and batch pipelines read:
//! `batch export` writes one request per paper still without a brief (exactly the body `run`
//! would send), `batch import` reads the results back, validates each answer as `run` does and
//! stores the accepted briefs, then writes the report. A manifest kept in the store ties every
//! `custom_id` to its paper, version, brief key and request body, so a result can never be
//! applied to the wrong paper or to a prompt that has changed since.

mod export;
mod hosted;
mod import;

use paperbrief_core::{ArxivId, ReportDate};

use crate::store::BriefKey;
pub use crate::store::{Manifest, ManifestEntry};

pub use export::{Exported, export};
pub use hosted::{Collected, Submitted, collect, status, submit};
pub use import::{Imported, Problem, import};

/// `pb1:{date}:{versioned id}:{key digest}:{body digest}`: the paper, its version, its brief
/// key (template, model, sampling) and the exact request body.
pub fn custom_id(date: ReportDate, id: &ArxivId, key: &BriefKey, body: &str) -> String {
    let body_digest = &paperbrief_core::hash::hex_sha256(body.as_bytes())[..12];
    format!("pb1:{date}:{id}:{}:{body_digest}", key.digest())
}
