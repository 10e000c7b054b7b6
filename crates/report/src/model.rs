//! What `reports/{date}.json` holds: every paper of the day's list in report order — with its
//! brief, its failure or as still pending — the list items that could not be used, and the
//! numbers of the run that last wrote it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use paperbrief_core::{ArxivId, OutputMode, PaperRef, Period, ReportDate, SkippedItem, SourceKind};
use paperbrief_core::{Brief, Cut, Fallback};
use serde::{Deserialize, Serialize};

use crate::failure::Failure;
use crate::overview::OverviewBlock;
use crate::relevance::Relevance;

/// The JSON schema version of [`DailyReport`]. Version 2 added pending entries, skipped list
/// items and transient fallbacks; version-1 files still read.
pub const SCHEMA: u32 = 2;

/// One day's report: everything the Markdown shows, and the provenance behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DailyReport {
    /// Schema version.
    pub schema: u32,
    /// The day (for a digest: the first day of its period).
    pub date: ReportDate,
    /// For a weekly or monthly digest: its period and how far it goes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<PeriodInfo>,
    /// The HF page of the day (or period).
    pub source_url: String,
    /// `paperbrief <version>`.
    pub generated_by: String,
    /// When the report's content last changed (a rerun that changes nothing keeps it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated_at: Option<DateTime<Utc>>,
    /// Every paper of the day's list, in report order.
    pub entries: Vec<Entry>,
    /// Items of the day's list that could not be used.
    #[serde(default)]
    pub skipped: Vec<SkippedItem>,
    /// 今日速览: themes, picks, tags and Chinese titles across the day's briefs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overview: Option<OverviewBlock>,
    /// Numbers about the day and the run that last wrote the report.
    pub stats: RunStats,
}

impl DailyReport {
    /// An empty report for `date` (entries are added by the caller, then [`Self::recount`]).
    pub fn new(date: ReportDate) -> Self {
        Self {
            schema: SCHEMA,
            date,
            period: None,
            source_url: Self::source_url_for(date),
            generated_by: format!("paperbrief {}", env!("CARGO_PKG_VERSION")),
            generated_at: Some(Utc::now()),
            entries: Vec::new(),
            skipped: Vec::new(),
            overview: None,
            stats: RunStats::default(),
        }
    }

    /// An empty digest of `period`, covering its days up to `through`.
    pub fn digest(period: Period, through: ReportDate) -> Self {
        let mut report = Self::new(period.first());
        report.source_url = period.source_url();
        report.period = Some(PeriodInfo {
            period,
            through: through.min(period.last()),
            complete: through >= period.last(),
        });
        report
    }

    /// Whether `other` shows the same papers, briefs and items (its numbers and time aside).
    pub fn same_content(&self, other: &Self) -> bool {
        self.entries == other.entries
            && self.skipped == other.skipped
            && self.period == other.period
            && self.overview == other.overview
    }

    /// The HF page of a day, as the report header links it.
    pub fn source_url_for(date: ReportDate) -> String {
        format!("https://huggingface.co/papers/date/{date}")
    }

    /// Whether the day is done: every paper has its brief and every list item was usable.
    pub fn is_complete(&self) -> bool {
        self.skipped.is_empty()
            && self
                .entries
                .iter()
                .all(|e| matches!(e.outcome, Outcome::Ok { .. }))
    }

    /// The papers that failed.
    pub fn failures(&self) -> impl Iterator<Item = (&Entry, &Failure)> {
        self.entries.iter().filter_map(|e| match &e.outcome {
            Outcome::Failed(f) => Some((e, f)),
            _ => None,
        })
    }

    /// The entry of a paper, by base id.
    pub fn entry(&self, id: &ArxivId) -> Option<&Entry> {
        self.entries.iter().find(|e| e.paper.id.base() == id.base())
    }

    /// Recounts the per-paper numbers of `stats` from the entries and skipped items.
    pub fn recount(&mut self) {
        let count = |f: &dyn Fn(&Entry) -> bool| self.entries.iter().filter(|e| f(e)).count();
        let briefs = count(&|e| matches!(e.outcome, Outcome::Ok { .. }));
        let failed = count(&|e| matches!(e.outcome, Outcome::Failed(_)));
        let pending = count(&|e| matches!(e.outcome, Outcome::Pending));
        let html = count(&|e| {
            e.source
                .as_ref()
                .is_some_and(|x| x.kind == SourceKind::Html)
        });
        let abstract_only =
            count(&|e| e.source.as_ref().is_some_and(|x| x.kind == SourceKind::Abs));
        let abstract_transient = count(&|e| e.source.as_ref().is_some_and(SourceInfo::is_degraded));
        let s = &mut self.stats;
        s.papers = self.entries.len();
        (s.briefs, s.failed, s.pending) = (briefs, failed, pending);
        (s.html, s.abstract_only, s.abstract_transient) = (html, abstract_only, abstract_transient);
        s.skipped = self.skipped.len();
    }
}

/// The span of a digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodInfo {
    /// `2026-W07` or `2026-02`.
    pub period: Period,
    /// The last day whose list it covers.
    pub through: ReportDate,
    /// Whether the period was over when it was made (else it goes only as far as `through`).
    pub complete: bool,
}

/// One paper of the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The paper as HF lists it.
    pub paper: PaperRef,
    /// What was read, when reading got that far.
    pub source: Option<SourceInfo>,
    /// The brief, why there is none, or that it is still to come.
    #[serde(flatten)]
    pub outcome: Outcome,
    /// Topic tags, from the overview's vocabulary.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// A Chinese title, when the overview gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_zh: Option<String>,
    /// Its relevance to each `[[interests]]` profile, by profile name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub relevance: BTreeMap<String, Relevance>,
    /// The first day that listed it, when an earlier day did (its brief is reused for the same
    /// version).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_listed: Option<crate::listing::Listing>,
    /// The later days that listed it again, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub listed_again: Vec<crate::listing::Listing>,
    /// The archived papers it cites.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cites_archived: Vec<crate::listing::ArchivedPaper>,
    /// The archived papers that cite it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cited_by_archived: Vec<crate::listing::ArchivedPaper>,
    /// 相关论文: with `[embeddings]`, the three papers of other days nearest to it, nearest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<crate::listing::ArchivedPaper>,
}

impl Entry {
    /// The authors: as the page read names them, else as HF lists them.
    pub fn authors(&self) -> &[String] {
        match &self.source {
            Some(s) if !s.authors.is_empty() => &s.authors,
            _ => &self.paper.authors,
        }
    }

    /// Who it is from, at most six and "等" after: the page's affiliations, else the organisation
    /// HF files it under. Never the model's.
    pub fn affiliations(&self) -> Vec<String> {
        let from_page = self
            .source
            .as_ref()
            .map_or(&[][..], |s| &s.affiliations[..]);
        let mut out: Vec<String> = from_page.iter().take(6).cloned().collect();
        if from_page.len() > 6 {
            out.push("等".to_owned());
        }
        if out.is_empty() {
            out.extend(self.paper.organization.iter().cloned());
        }
        out
    }

    /// Where a reader checks `evidence`: the page read at the element holding it
    /// (`…/html/2602.07040v1#S4.T2`), the page itself for the abstract, and the abstract page
    /// for a paper read from the abstract. Always an `http(s)` URL.
    pub fn evidence_url(&self, evidence: &paperbrief_core::Evidence) -> String {
        let page = self
            .source
            .as_ref()
            .filter(|s| s.kind == SourceKind::Html)
            .and_then(|s| url::Url::parse(&s.url).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.has_host());
        match page {
            Some(mut url) => {
                let anchor = &evidence.anchor;
                url.set_fragment(paperbrief_core::is_element_id(anchor).then_some(anchor.as_str()));
                url.to_string()
            }
            None => self.paper.arxiv_url(),
        }
    }

    /// The arXiv version this entry's brief read, when known.
    pub fn version(&self) -> Option<u32> {
        self.source.as_ref().and_then(|s| s.id.version())
    }

    /// Where else the paper is listed: its first listing, then each later one.
    pub fn history(&self) -> Vec<crate::listing::HistoryLine> {
        crate::listing::history(self.version(), self.first_listed, &self.listed_again)
    }

    /// The title readers of a Chinese briefing scan first: the Chinese one when given.
    pub fn display_title(&self) -> &str {
        self.title_zh.as_deref().unwrap_or(&self.paper.title)
    }

    /// A paper read (`source`) and what came of it, with nothing linked or ranked yet: the
    /// overview, the profiles and the archive fill the rest in later.
    pub fn new(paper: PaperRef, source: Option<SourceInfo>, outcome: Outcome) -> Self {
        Self {
            paper,
            source,
            outcome,
            tags: Vec::new(),
            title_zh: None,
            relevance: BTreeMap::new(),
            first_listed: None,
            listed_again: Vec::new(),
            cites_archived: Vec::new(),
            cited_by_archived: Vec::new(),
            related: Vec::new(),
        }
    }

    /// A paper of the list that no run has worked on yet.
    pub fn pending(paper: PaperRef) -> Self {
        Self::new(paper, None, Outcome::Pending)
    }
}

/// A brief with its provenance, a failure, or not done yet: exactly one of them.
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
    /// No run has summarised the paper yet (a subset run worked on others).
    Pending,
}

/// What was read of a paper and how the prompt was built from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// Full text or abstract.
    pub kind: SourceKind,
    /// Where it was read.
    pub url: String,
    /// The id and version read.
    pub id: ArxivId,
    /// Why the full text was not used, when it was not: `fallback` (the reason) and
    /// `fallback_transient` (only when true: the HTML request ended on a 429, a 5xx, a timeout,
    /// and the next run tries the full text again) in the JSON.
    #[serde(flatten, with = "paperbrief_core::fallback::report_fields")]
    pub fallback: Option<Fallback>,
    /// Sections cut to fit the context.
    #[serde(default)]
    pub cuts: Vec<Cut>,
    /// The authors as the page read names them (empty: as HF lists them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// The affiliations the page read names (never the model's).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affiliations: Vec<String>,
    /// The key figure of the page read, with its safe copy or why there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub figure: Option<crate::figure::FigureInfo>,
    /// The arXiv papers its bibliography cites (without versions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cites: Vec<ArxivId>,
}

impl SourceInfo {
    /// What is known of a read paper without its people.
    pub fn new(kind: SourceKind, url: String, id: ArxivId, fallback: Option<Fallback>) -> Self {
        Self {
            kind,
            url,
            id,
            fallback,
            cuts: Vec::new(),
            authors: Vec::new(),
            affiliations: Vec::new(),
            figure: None,
            cites: Vec::new(),
        }
    }

    /// Read from the abstract only because the HTML was temporarily unavailable.
    pub fn is_degraded(&self) -> bool {
        Fallback::degrades(self.fallback.as_ref())
    }

    /// The label after `阅读来源`: `HTML`, `ArXiv Abs`, or `ArXiv Abs（HTML 暂时不可用）`.
    pub fn label(&self) -> String {
        if self.is_degraded() {
            format!("{}（HTML 暂时不可用）", self.kind.report_label())
        } else {
            self.kind.report_label().to_owned()
        }
    }
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
    /// The time the server spent on the paper's requests (the accepted answer and any before
    /// it), in milliseconds: waits for a free slot or the rate limits are not counted.
    pub latency_ms: u64,
    /// The accepted answer's finish reason.
    pub finish_reason: Option<String>,
    /// Sampling: temperature.
    pub temperature: f64,
    /// Sampling: max_tokens of the accepted request.
    pub max_tokens: u32,
    /// `text` or `json_schema`.
    pub output: OutputMode,
    /// The endpoint that answered (its base URL), or `batch` for a brief imported from a batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
}

/// Numbers about the day (recounted from the entries) and the run that last wrote the report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RunStats {
    /// Papers in the day's list.
    pub papers: usize,
    /// Papers with a brief.
    pub briefs: usize,
    /// Papers that failed.
    pub failed: usize,
    /// Papers no run has summarised yet.
    pub pending: usize,
    /// List items that could not be used.
    pub skipped: usize,
    /// Papers read from the HTML full text.
    pub html: usize,
    /// Papers read from the abstract only.
    pub abstract_only: usize,
    /// Of those, papers whose HTML was only temporarily unavailable.
    pub abstract_transient: usize,
    /// Papers this run worked on (all of them, unless `--only`/`--limit`).
    pub worked: usize,
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
    /// Chat requests this run sent to each endpoint, when there are several.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub endpoints: Vec<EndpointRequests>,
}

/// Requests sent to one endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointRequests {
    /// Its base URL.
    pub url: String,
    /// Chat requests sent.
    pub requests: u64,
}
