//! Single-paper regeneration: re-read and re-summarise one paper from the source on, then
//! splice it into its day's report in place (same position, nothing else touched), or hand the
//! entry back when the paper is in no report.

use paperbrief_core::{ArxivId, PaperRef, ReportDate};
use paperbrief_report::{Entry, ReportFiles};

use crate::day::Day;
use crate::error::OrchestratorError;
use crate::meter::RunMeter;
use crate::paper::{Job, Worker, process};
use crate::progress::LogLines;
use crate::publish::{Published, write_and_publish};
use crate::services::Services;

/// What regeneration did.
#[derive(Debug)]
pub enum Regenerated {
    /// The day's report was rewritten with the new entry at `index`.
    Spliced {
        /// The new entry.
        entry: Box<Entry>,
        /// Its position in the report.
        index: usize,
        /// The report's files.
        files: ReportFiles,
        /// What happened after the report was written (the site).
        published: Published,
    },
    /// The paper is in no report: here is its entry.
    Standalone(Box<Entry>),
}

/// Regenerates `id`. With a date, the paper must be in that day's list.
pub async fn regenerate(
    services: &Services,
    id: &ArxivId,
    date: Option<ReportDate>,
) -> Result<Regenerated, OrchestratorError> {
    let day = match date {
        Some(d) => Some(Day::load(services, d).await?),
        None => None,
    };
    let paper = match &day {
        Some(day) => day
            .find(id)
            .cloned()
            .ok_or_else(|| OrchestratorError::NotInList {
                id: id.clone(),
                date: day.date(),
            })?,
        None => PaperRef::bare(id.clone()),
    };
    let setup = services.setup_model().await?;
    let version = match (id.version(), &day) {
        (Some(_), _) => id.clone(),
        (None, _) => latest_version(services, id)
            .await
            .or_else(|| day.as_ref().map(|d| d.version_of(&paper)))
            .unwrap_or_else(|| id.clone()),
    };
    let job = Job {
        key: services.keys().key(&version, &setup.model),
        paper,
        id: version.clone(),
        stored: None,
        hint: None,
        fresh: true,
    };
    let worker = Worker {
        reader: services.reader(),
        summarizer: Some(services.summarizer(setup)),
        store: services.store().clone(),
        figures: services.figures(),
    };
    let interests = crate::interests::Interests::setup(services).await?;
    let meter = RunMeter::start(services);
    let (mut entry, _) = process(&worker, job, &LogLines).await;
    let Some(mut report) = day.as_ref().and_then(Day::previous).cloned() else {
        if day.is_none() {
            name_after_what_was_read(services, &version, &mut entry).await;
        }
        return Ok(Regenerated::Standalone(Box::new(entry)));
    };
    let Some(index) = report
        .entries
        .iter()
        .position(|e| e.paper.id.base() == id.base())
    else {
        return Ok(Regenerated::Standalone(Box::new(entry)));
    };
    report.entries[index] = entry.clone();
    report.stats = meter.finish(services, &[(entry.clone(), false)]);
    report.recount();
    let before = day.as_ref().and_then(Day::previous);
    let summarizer = worker.summarizer.as_ref();
    crate::annotate::annotate(
        services,
        interests.as_ref(),
        summarizer,
        &mut report,
        before,
    )
    .await;
    let entry = report.entries[index].clone();
    let (files, published) = write_and_publish(services, &report).await?;
    Ok(Regenerated::Spliced {
        entry: Box::new(entry),
        index,
        files,
        published,
    })
}

/// A paper known only by its id takes the title, authors and abstract of what was read.
async fn name_after_what_was_read(services: &Services, id: &ArxivId, entry: &mut Entry) {
    if let Some(source) = services.store().source(id).await {
        entry.paper.title = source.doc.title;
        entry.paper.authors = source.doc.authors;
        entry.paper.abstract_text = source.doc.abstract_text;
    }
}

async fn latest_version(services: &Services, id: &ArxivId) -> Option<ArxivId> {
    let found = services
        .sources()
        .arxiv
        .lookup(std::slice::from_ref(id))
        .await
        .ok()?;
    found
        .into_iter()
        .filter_map(|i| i.id.and_then(|s| ArxivId::parse(&s).ok()))
        .find(|found| found.base() == id.base())
}

/// `paperbrief overview --date D`: the day's 今日速览 made again when its inputs changed since it
/// was made (always with `force`), then the report written and published. Returns the report and
/// whether a request was made.
pub async fn remake(
    services: &Services,
    date: ReportDate,
    force: bool,
) -> Result<(paperbrief_report::DailyReport, Published, bool), OrchestratorError> {
    let before = crate::day::read_day(services, date).await?;
    let summarizer = services.summarizer(services.setup_model().await?);
    let mut report = before.clone();
    let asked = crate::overview::refresh(
        services,
        Some(&summarizer),
        &mut report,
        before.overview.as_ref(),
        force,
    )
    .await;
    if !before.same_content(&report) {
        report.generated_at = Some(chrono::Utc::now());
    }
    let (_, published) = write_and_publish(services, &report).await?;
    Ok((report, published, asked))
}
