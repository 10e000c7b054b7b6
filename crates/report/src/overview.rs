//! 今日速览 in the report: the validated overview — or why there is none yet — with what it was
//! based on, and its Markdown block. The overview itself ([`Overview`]) is read and checked in
//! core; the orchestrator asks for it.

use std::fmt::Write as _;

use paperbrief_core::overview::Overview;
use serde::{Deserialize, Serialize};

use crate::model::{DailyReport, Entry};
use crate::safe;

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

/// The `## 今日速览` block: themes with their papers linked to their entries, then 必读; or
/// why there is no overview.
pub(crate) fn render(report: &DailyReport, out: &mut String) {
    let Some(block) = &report.overview else {
        return;
    };
    out.push_str("## 今日速览\n\n");
    let o = match &block.state {
        OverviewState::Ok(o) => o,
        OverviewState::Failed { reason } => {
            let _ = write!(out, "速览生成失败：{}\n\n", safe::inline_text(reason));
            return;
        }
        OverviewState::Pending { reason } => {
            let _ = write!(out, "⏳ 速览尚未生成：{}\n\n", safe::inline_text(reason));
            return;
        }
    };
    let b = block.based_on;
    if b.briefs < b.papers {
        let _ = write!(out, "> 基于 {}/{} 篇简报\n\n", b.briefs, b.papers);
    }
    for theme in &o.themes {
        let _ = write!(
            out,
            "### {}（{} 篇）\n\n{}\n\n",
            safe::inline_text(&theme.name),
            theme.papers.len(),
            safe::markdown(&theme.summary).trim_end()
        );
        for id in &theme.papers {
            let _ = writeln!(out, "- {}", link(report, id));
        }
        out.push('\n');
    }
    if !o.picks.is_empty() {
        out.push_str("### 必读\n\n");
        for (i, pick) in o.picks.iter().enumerate() {
            let _ = writeln!(
                out,
                "{}. {}：{}",
                i + 1,
                link(report, &pick.id),
                safe::markdown(&pick.why).trim_end()
            );
        }
        out.push('\n');
    }
}

/// A paper as a link to its entry: its Chinese title when it has one.
fn link(report: &DailyReport, id: &str) -> String {
    let entry = report.entries.iter().find(|e| e.paper.id.base() == id);
    let title = entry.map_or(id, display_title);
    format!("[{}](#paper-{id})", safe::inline_text(title))
}

/// The title readers of a Chinese briefing scan first: the Chinese one when given.
pub fn display_title(entry: &Entry) -> &str {
    entry.title_zh.as_deref().unwrap_or(&entry.paper.title)
}
