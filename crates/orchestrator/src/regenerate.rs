//! Single-paper regeneration: re-read and re-summarise one paper, then splice it into its day's
//! report in place (same position, nothing else touched), or hand the entry back when the
//! paper is in no report.

use std::sync::Arc;

use paperbrief_core::{ArxivId, PaperRef, ReportDate};
use tokio::sync::Semaphore;

use crate::engine::Engine;
use crate::error::OrchestratorError;
use crate::papers::{self, Prepared};
use crate::progress::LogLines;
use crate::report::{DailyReport, Entry};
use crate::run::write_report;
use crate::store;

/// What regeneration did.
#[derive(Debug, Clone)]
pub enum Regenerated {
    /// The day's report was rewritten with the new entry at `index`.
    Spliced {
        /// The new entry.
        entry: Box<Entry>,
        /// Its position in the report.
        index: usize,
        /// The Markdown file.
        markdown: std::path::PathBuf,
    },
    /// The paper is in no report: here is its entry.
    Standalone(Box<Entry>),
}

/// Regenerates `id`. With a date, the paper must be in that day's list (the report's, or HF's).
pub async fn regenerate(
    engine: &Engine,
    id: &ArxivId,
    date: Option<ReportDate>,
) -> Result<Regenerated, OrchestratorError> {
    let (_, json_path) = date.map(|d| engine.report_paths(d)).unzip();
    let mut report: Option<DailyReport> = json_path.as_deref().and_then(store::read);
    let position = report.as_ref().and_then(|r| {
        r.entries
            .iter()
            .position(|e| e.paper.id.base() == id.base())
    });
    let paper = match (&report, position, date) {
        (Some(r), Some(i), _) => r.entries[i].paper.clone(),
        (_, _, Some(d)) => find_in_list(engine, id, d).await?,
        (_, _, None) => bare_paper(id),
    };
    let setup = engine.resolve_model().await?;
    let version = if id.version().is_some() {
        Some(id.clone())
    } else {
        latest_version(engine, id).await
    };
    let item: Prepared = papers::prepare(engine, &paper, version.as_ref(), &setup.model, true);
    forget_source(engine, &item.id);
    let slots = Semaphore::new(1);
    let progress = Arc::new(LogLines);
    let read_id = item.id.clone();
    let (mut entry, _) =
        papers::process(engine, &setup, item, None, &slots, progress.as_ref()).await;
    if position.is_none() && date.is_none() {
        // Known only by its id: name it after what was read.
        if let Some(source) = engine.store.source(&read_id) {
            entry.paper.title = source.doc.title;
            entry.paper.authors = source.doc.authors;
            entry.paper.abstract_text = source.doc.abstract_text;
        }
    }
    match (report.as_mut(), position) {
        (Some(r), Some(index)) => {
            r.entries[index] = entry.clone();
            r.recount();
            let (markdown, _) = write_report(engine, r)?;
            Ok(Regenerated::Spliced {
                entry: Box::new(entry),
                index,
                markdown,
            })
        }
        _ => Ok(Regenerated::Standalone(Box::new(entry))),
    }
}

/// Drops the stored text so it is read again (the page cache still spares the network).
fn forget_source(engine: &Engine, id: &ArxivId) {
    let _ = engine.store.remove_source(id);
}

async fn find_in_list(
    engine: &Engine,
    id: &ArxivId,
    date: ReportDate,
) -> Result<PaperRef, OrchestratorError> {
    let papers = crate::run::day_list(engine, date).await?;
    papers
        .into_iter()
        .find(|p| p.id.base() == id.base())
        .ok_or_else(|| OrchestratorError::NotInList {
            id: id.to_string(),
            date,
        })
}

async fn latest_version(engine: &Engine, id: &ArxivId) -> Option<ArxivId> {
    let found = engine
        .sources
        .arxiv
        .lookup(std::slice::from_ref(id))
        .await
        .ok()?;
    found
        .into_iter()
        .filter_map(|i| i.id.and_then(|s| ArxivId::parse(&s).ok()))
        .find(|found| found.base() == id.base())
}

/// A paper known only by its id (no date): title and abstract come from what is read.
fn bare_paper(id: &ArxivId) -> PaperRef {
    PaperRef {
        id: id.clone(),
        title: id.to_string(),
        authors: Vec::new(),
        upvotes: 0,
        abstract_text: String::new(),
        github_repo: None,
        project_page: None,
        published_at: None,
        list_date: ReportDate::today_utc(),
    }
}
