//! 今日速览 in the report: the validated overview — or why there is none yet — with what it was
//! based on (its Markdown block is in [`crate::markdown`]). The overview itself ([`Overview`]) is read and checked in
//! core; the orchestrator asks for it.

use paperbrief_core::overview::Overview;
use serde::{Deserialize, Serialize};

/// The report's overview and its provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverviewBlock {
    /// The overview, or why there is none.
    #[serde(flatten)]
    pub state: OverviewState,
    /// The briefs it was made from, of the day's papers.
    pub based_on: BasedOn,
    /// The model that wrote it.
    #[serde(default)]
    pub model: String,
    /// SHA-256 of its inputs (papers, template, vocabulary, model): unchanged inputs, no request.
    pub inputs_hash: String,
    /// Requests it took.
    #[serde(default)]
    pub requests: u32,
    /// Prompt tokens the server counted over those requests.
    #[serde(default)]
    pub prompt_tokens: u32,
    /// Answer tokens the server counted.
    #[serde(default)]
    pub completion_tokens: u32,
    /// Wall time of its requests, seconds.
    #[serde(default)]
    pub seconds: f64,
}

/// The overview, or why there is none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum OverviewState {
    /// Made.
    Ok(Overview),
    /// The request or its answer failed: why.
    Failed {
        /// Why, for people.
        reason: String,
    },
    /// Not asked for yet (no model could be asked): why.
    Pending {
        /// Why, for people.
        reason: String,
    },
}

/// How much of the day an overview covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BasedOn {
    /// Papers with a brief, which it read.
    pub briefs: usize,
    /// Papers of the day.
    pub papers: usize,
}

impl OverviewBlock {
    /// The overview, when there is one.
    pub fn overview(&self) -> Option<&Overview> {
        match &self.state {
            OverviewState::Ok(o) => Some(o),
            _ => None,
        }
    }
}
