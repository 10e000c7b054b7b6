//! One paper's way through the pipeline: its stored brief when that is final; a stored brief
//! read from the abstract because the HTML was temporarily unavailable gets the HTML asked for
//! again (and a fresh brief when it comes); otherwise its text (stored or fetched) and a fresh
//! brief, stored as soon as it exists.

use paperbrief_core::{ArxivId, Config, OutputMode, PaperRef};
use paperbrief_fetch::extract::AbstractInfo;
use paperbrief_report::{Entry, Failure, FailureKind, Outcome, SourceInfo};

use crate::figures::Figures;
use crate::progress::Progress;
use crate::reading::Reader;
use crate::store::{BriefKey, Store, StoredBrief, StoredSource};
use crate::summarize::{Summarizer, Summary};

/// What identifies briefs under the current template and sampling settings.
#[derive(Debug, Clone, PartialEq)]
pub struct BriefKeys {
    template_id: String,
    temperature: f64,
    max_tokens: u32,
    output: OutputMode,
    extra_body: serde_json::Value,
}

impl BriefKeys {
    /// The keys `config` and the template give.
    pub fn new(config: &Config, template_id: &str) -> Self {
        Self {
            template_id: template_id.to_owned(),
            temperature: config.llm.temperature,
            max_tokens: config.llm.max_tokens.get(),
            output: config.llm.output,
            extra_body: serde_json::to_value(&config.llm.extra_body).unwrap_or_default(),
        }
    }

    /// The key of a paper version's brief from `model`.
    pub fn key(&self, id: &ArxivId, model: &str) -> BriefKey {
        BriefKey {
            id: id.clone(),
            template_id: self.template_id.clone(),
            model: model.to_owned(),
            temperature: self.temperature,
            max_tokens: self.max_tokens,
            output: self.output,
            extra_body: self.extra_body.clone(),
        }
    }
}

/// The parts a paper's work needs.
#[derive(Debug, Clone)]
pub(crate) struct Worker {
    pub(crate) reader: Reader,
    /// `None` when the model cannot be asked (every paper had a stored brief).
    pub(crate) summarizer: Option<Summarizer>,
    pub(crate) store: Store,
    pub(crate) figures: Figures,
}

/// A paper to work on.
#[derive(Debug, Clone)]
pub(crate) struct Job {
    /// The paper as listed.
    pub(crate) paper: PaperRef,
    /// The id with the version to read.
    pub(crate) id: ArxivId,
    /// What identifies its brief.
    pub(crate) key: BriefKey,
    /// The stored brief for that key, unless it is to be redone.
    pub(crate) stored: Option<StoredBrief>,
    /// The abstract the export API gave.
    pub(crate) hint: Option<AbstractInfo>,
    /// Ignore stored texts too (`--force`, regeneration).
    pub(crate) fresh: bool,
}

/// Processes one paper; returns its entry and whether the brief came from the store.
pub(crate) async fn process(worker: &Worker, job: Job, progress: &dyn Progress) -> (Entry, bool) {
    let Job {
        paper,
        id,
        key,
        stored,
        hint,
        fresh,
    } = job;
    if let Some(stored) = stored {
        if !stored.source.is_degraded() || worker.summarizer.is_none() {
            progress.fetched(id.base(), Some(stored.source.kind));
            return (reuse(paper, stored), true);
        }
        // Read from the abstract only because the HTML was temporarily unavailable: try again.
        let healed = worker
            .reader
            .read(&paper, &id, hint, false)
            .await
            .ok()
            .filter(|s| !s.is_degraded() && s.doc.kind == paperbrief_core::SourceKind::Html);
        let Some(source) = healed else {
            progress.fetched(id.base(), Some(stored.source.kind));
            return (reuse(paper, stored), true);
        };
        progress.fetched(id.base(), Some(source.doc.kind));
        let (entry, _) = summarize(worker, paper.clone(), key, &source).await;
        if matches!(entry.outcome, Outcome::Ok { .. }) {
            return (entry, false);
        }
        tracing::warn!(target: "paperbrief::run", "{id}: the full text came, but its brief failed; keeping the abstract's brief");
        return (reuse(paper, stored), true);
    }
    let source = match worker.reader.read(&paper, &id, hint, fresh).await {
        Ok(s) => s,
        Err(reason) => {
            progress.fetched(id.base(), None);
            let failure = Failure::new(FailureKind::NoSource, reason.to_string());
            return (failed(paper, None, failure), false);
        }
    };
    progress.fetched(id.base(), Some(source.doc.kind));
    summarize(worker, paper, key, &source).await
}

/// A fresh brief of `source`, stored when it succeeds.
async fn summarize(
    worker: &Worker,
    paper: PaperRef,
    key: BriefKey,
    source: &StoredSource,
) -> (Entry, bool) {
    let mut info = source_info(source);
    let Some(summarizer) = &worker.summarizer else {
        let failure = Failure::new(
            FailureKind::Unreachable,
            "the LLM endpoint could not be reached at setup",
        );
        return (failed(paper, Some(info), failure), false);
    };
    // The figure is fetched while the model writes.
    let (answer, figure) = tokio::join!(
        summarizer.summarize(&source.doc, Some(&paper)),
        worker.figures.attach(&source.doc)
    );
    info.figure = figure;
    let outcome = match answer {
        Ok(summary) => {
            info.cuts.clone_from(&summary.prompt.cuts);
            store_brief(&worker.store, key, &info, &summary).await;
            Outcome::Ok {
                brief: summary.brief,
                provenance: summary.provenance,
            }
        }
        Err(f) => {
            if let Some(p) = &f.prompt {
                info.cuts.clone_from(&p.cuts);
            }
            Outcome::Failed(f.failure)
        }
    };
    let entry = Entry::new(paper, Some(info), outcome);
    (entry, false)
}

fn reuse(paper: PaperRef, stored: StoredBrief) -> Entry {
    Entry::new(
        paper,
        Some(stored.source),
        Outcome::Ok {
            brief: stored.brief,
            provenance: stored.provenance,
        },
    )
}

fn failed(paper: PaperRef, source: Option<SourceInfo>, failure: Failure) -> Entry {
    Entry::new(paper, source, Outcome::Failed(failure))
}

/// Keeps a finished brief (a failure to store is logged: the report still gets the brief).
async fn store_brief(store: &Store, key: BriefKey, info: &SourceInfo, summary: &Summary) {
    let stored = StoredBrief {
        key,
        source: info.clone(),
        raw_answer: summary.raw_answer.clone(),
        brief: summary.brief.clone(),
        provenance: summary.provenance.clone(),
    };
    if let Err(e) = store.put_brief(&stored).await {
        tracing::warn!(target: "paperbrief::store", "{e}");
    }
}

/// What the report says was read.
pub(crate) fn source_info(source: &StoredSource) -> SourceInfo {
    let doc = &source.doc;
    let mut info = SourceInfo::new(
        doc.kind,
        doc.url.clone(),
        doc.id.clone(),
        source.fallback.clone(),
    );
    if doc.kind == paperbrief_core::SourceKind::Html {
        info.authors.clone_from(&doc.authors);
    }
    info.affiliations.clone_from(&doc.affiliations);
    info.cites.clone_from(&doc.cites);
    info
}
