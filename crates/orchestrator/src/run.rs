//! The nightly run: the day's list, the papers chosen to work on (all, or `--only`/`--limit`),
//! the pipeline, then the report of the whole day — papers not worked on keep their stored
//! brief or earlier entry, or show as pending.

use std::collections::BTreeMap;
use std::sync::Arc;

use paperbrief_core::{ArxivId, ReportDate};
use paperbrief_report::{DailyReport, Entry, Outcome, ReportFiles};

use crate::day::{Day, Hints, Prepared};
use crate::error::OrchestratorError;
use crate::meter::RunMeter;
use crate::paper::{Job, Worker};
use crate::pipeline::pipeline;
use crate::preview::{DryRun, dry_run};
use crate::progress::Progress;
use crate::publish::{Published, write_and_publish};
use crate::services::Services;

/// What to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The day.
    pub date: ReportDate,
    /// Work on the first N papers in report order only.
    pub limit: Option<usize>,
    /// Work on these papers only.
    pub only: Vec<ArxivId>,
    /// Redo the papers worked on from the source on: ignore stored texts and briefs.
    pub force: bool,
    /// Plan every prompt and count tokens; no model calls, no report.
    pub dry_run: bool,
}

impl RunOptions {
    /// The whole day as a plain `run --date` does it: every paper that needs work, stored work
    /// reused, the report written.
    pub fn day(date: ReportDate) -> Self {
        Self {
            date,
            limit: None,
            only: Vec::new(),
            force: false,
            dry_run: false,
        }
    }
}

/// A written report and what the run did.
#[derive(Debug)]
pub struct Written {
    /// The day's report.
    pub report: DailyReport,
    /// Its files.
    pub files: ReportFiles,
    /// The papers this run worked on.
    pub worked: Vec<ArxivId>,
    /// What happened after the report was written (the site).
    pub published: Published,
}

impl Written {
    /// Whether the run did everything it was asked to: no paper it worked on failed, and — for
    /// a run over the whole day — every item of the list was usable.
    pub fn asked_done(&self) -> bool {
        let failed = self.report.entries.iter().any(|e| {
            matches!(e.outcome, Outcome::Failed(_))
                && self.worked.iter().any(|w| w.base() == e.paper.id.base())
        });
        let whole_day = self.worked.len() == self.report.entries.len();
        let overview_failed =
            self.report.overview.as_ref().is_some_and(|o| {
                matches!(o.state, paperbrief_report::OverviewState::Failed { .. })
            });
        !failed
            && !overview_failed
            && (!whole_day || self.report.skipped.is_empty())
            && self.published.ok()
    }
}

/// How a run ended.
#[derive(Debug)]
pub enum RunResult {
    /// The report was written.
    Written(Box<Written>),
    /// The day has no papers (a weekend or holiday); nothing to do.
    Empty,
    /// A dry run's prompts.
    DryRun(DryRun),
}

/// Runs one day.
pub async fn run(
    services: &Services,
    opts: &RunOptions,
    progress: Arc<dyn Progress>,
) -> Result<RunResult, OrchestratorError> {
    let meter = RunMeter::start(services);
    let Prepared { day, chosen, hints } =
        Day::prepare(services, opts.date, &opts.only, opts.limit).await?;
    if day.is_empty() {
        return Ok(RunResult::Empty);
    }
    if opts.dry_run {
        return Ok(RunResult::DryRun(
            dry_run(services, &day, &chosen, hints).await?,
        ));
    }
    let interests = crate::interests::Interests::setup(services).await?;
    let (worker, jobs, others) = plan(services, &day, &chosen, hints, opts.force).await?;
    progress.start(
        jobs.len(),
        jobs.iter().filter(|j| j.stored.is_some()).count(),
    );
    let worked: Vec<ArxivId> = jobs.iter().map(|j| j.paper.id.clone()).collect();
    let worker = Arc::new(worker);
    let results = pipeline(Arc::clone(&worker), jobs, Arc::clone(&progress)).await;
    progress.finish();
    let stats = meter.finish(services, &results);
    let mut done: BTreeMap<String, Entry> = results
        .into_iter()
        .map(|(e, _)| (e.paper.id.base().to_owned(), e))
        .collect();
    done.extend(others);
    let mut report = day.report(|p| done.remove(p.id.base()), stats);
    let summarizer = worker.summarizer.as_ref();
    crate::annotate::annotate(
        services,
        interests.as_ref(),
        summarizer,
        &mut report,
        day.previous(),
    )
    .await;
    let (files, published) = write_and_publish(services, &report).await?;
    Ok(RunResult::Written(Box::new(Written {
        report,
        files,
        worked,
        published,
    })))
}

/// The worker, a job per chosen paper (its key and stored brief), and the stored briefs of the
/// papers not chosen.
async fn plan(
    services: &Services,
    day: &Day,
    chosen: &[usize],
    hints: Hints,
    force: bool,
) -> Result<(Worker, Vec<Job>, BTreeMap<String, Entry>), OrchestratorError> {
    let model = services.model_or_name().await?;
    let work = chosen.iter().map(|&i| {
        let paper = day.papers()[i].clone();
        let hint = hints.get(paper.id.base()).cloned();
        (day.version_of(&paper), paper, hint)
    });
    let jobs = services.jobs(work, force, model.name()).await;
    let others = stored_entries(services, day, chosen, model.name()).await;
    let worker = services.worker(model, &jobs)?;
    Ok((worker, jobs, others))
}

/// The stored briefs of the papers this run does not work on, by base id: the report shows
/// them instead of "pending".
pub(crate) async fn stored_entries(
    services: &Services,
    day: &Day,
    chosen: &[usize],
    model: &str,
) -> BTreeMap<String, Entry> {
    let keys = services.keys();
    let mut others = BTreeMap::new();
    for (i, paper) in day.papers().iter().enumerate() {
        if chosen.contains(&i) {
            continue;
        }
        let key = keys.key(&day.version_of(paper), model);
        if let Some(stored) = services.store().brief(&key).await {
            let entry = Entry::new(
                paper.clone(),
                Some(stored.source),
                Outcome::Ok {
                    brief: stored.brief,
                    provenance: stored.provenance,
                },
            );
            others.insert(paper.id.base().to_owned(), entry);
        }
    }
    others
}
