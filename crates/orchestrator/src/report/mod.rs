//! The daily report: what the JSON sidecar holds, and the Markdown rendered from it alone.

mod markdown;

use paperbrief_core::{PaperRef, ReportDate, SourceKind};
use paperbrief_prompt::{Brief, Cut};
use serde::{Deserialize, Serialize};

pub use markdown::{escape_html, render_entry, render_markdown};

/// The JSON schema version of [`DailyReport`].
pub const SCHEMA: u32 = 1;

/// One day's report: everything the Markdown shows, and the provenance behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DailyReport {
    /// Schema version.
    pub schema: u32,
    /// The day.
    pub date: ReportDate,
    /// The HF page of the day.
    pub source_url: String,
    /// `paperbrief <version>`.
    pub generated_by: String,
    /// Papers in report order.
    pub entries: Vec<Entry>,
    /// Numbers about the run that last wrote the report.
    pub stats: RunStats,
}

impl DailyReport {
    /// The HF page of a day, as the report header links it.
    pub fn source_url_for(date: ReportDate) -> String {
        format!("https://huggingface.co/papers/date/{date}")
    }

    /// Whether every paper has its brief.
    pub fn is_complete(&self) -> bool {
        self.entries
            .iter()
            .all(|e| matches!(e.outcome, Outcome::Ok { .. }))
    }

    /// The papers that failed.
    pub fn failures(&self) -> impl Iterator<Item = (&Entry, &Failure)> {
        self.entries.iter().filter_map(|e| match &e.outcome {
            Outcome::Failed(f) => Some((e, f)),
            Outcome::Ok { .. } => None,
        })
    }

    /// Recounts the brief/failure/source numbers of `stats` from the entries.
    pub fn recount(&mut self) {
        let s = &mut self.stats;
        s.papers = self.entries.len();
        s.briefs = self
            .entries
            .iter()
            .filter(|e| matches!(e.outcome, Outcome::Ok { .. }))
            .count();
        s.failed = s.papers - s.briefs;
        s.html = self
            .entries
            .iter()
            .filter(|e| {
                e.source
                    .as_ref()
                    .is_some_and(|x| x.kind == SourceKind::Html)
            })
            .count();
        s.abstract_only = self
            .entries
            .iter()
            .filter(|e| e.source.as_ref().is_some_and(|x| x.kind == SourceKind::Abs))
            .count();
    }
}

/// One paper of the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The paper as HF lists it.
    pub paper: PaperRef,
    /// What was read, when reading got that far.
    pub source: Option<SourceInfo>,
    /// The brief, or why there is none.
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// A brief with its provenance, or a failure: never both, never neither.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
// A report holds tens of entries; boxing the brief would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum Outcome {
    /// The brief was written.
    Ok {
        /// The brief.
        brief: Brief,
        /// How it was made.
        provenance: Provenance,
    },
    /// The paper could not be done.
    Failed(Failure),
}

/// What was read of a paper and how the prompt was built from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// Full text or abstract.
    pub kind: SourceKind,
    /// Where it was read.
    pub url: String,
    /// The id and version read.
    pub id: String,
    /// Why the full text was not used, when it was not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<String>,
    /// Sections cut to fit the context.
    #[serde(default)]
    pub cuts: Vec<Cut>,
}

/// How a brief was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// The model that answered.
    pub model: String,
    /// `file@hash` of the prompt template.
    pub template_id: String,
    /// Prompt tokens the server reported (summed over attempts), or our estimate.
    pub prompt_tokens: u32,
    /// Answer tokens the server reported (summed over attempts).
    pub completion_tokens: u32,
    /// Our estimate of the final prompt.
    pub prompt_tokens_estimate: usize,
    /// HTTP requests made for this brief (retries and repairs included).
    pub attempts: u32,
    /// Requests that asked the model to repair its answer.
    pub repairs: u32,
    /// Seconds from the first request to the accepted answer, in milliseconds.
    pub latency_ms: u64,
    /// The accepted answer's finish reason.
    pub finish_reason: Option<String>,
    /// Sampling: temperature.
    pub temperature: f64,
    /// Sampling: max_tokens of the accepted request.
    pub max_tokens: u32,
    /// `text` or `json_schema`.
    pub output: String,
}

/// Why a paper has no brief.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// Where it failed.
    pub stage: Stage,
    /// Why, for people.
    pub reason: String,
}

/// The stage a paper failed at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Reading the paper.
    Fetch,
    /// Building the prompt.
    Prompt,
    /// Calling the model.
    Llm,
    /// The model's answer was not acceptable.
    Answer,
}

/// Numbers about a run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunStats {
    /// Papers in the report.
    pub papers: usize,
    /// Papers with a brief.
    pub briefs: usize,
    /// Papers without.
    pub failed: usize,
    /// Papers read from the HTML full text.
    pub html: usize,
    /// Papers read from the abstract only.
    pub abstract_only: usize,
    /// Briefs taken from the store instead of asking the model.
    pub reused: usize,
    /// Prompt tokens the server reported in this run.
    pub prompt_tokens: u64,
    /// Answer tokens the server reported in this run.
    pub completion_tokens: u64,
    /// Chat requests sent in this run.
    pub llm_requests: u64,
    /// Wall time of this run, seconds.
    pub wall_seconds: f64,
}
