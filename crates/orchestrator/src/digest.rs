//! Weekly and monthly digests: the period's most upvoted papers across its daily HF lists (each
//! paper once, at the highest count seen), each with its brief. Only the papers shown are
//! summarised — stored briefs reused, new ones stored where a later daily run reuses them — and
//! the digest is written in the day's frame and schema, with its period.

use std::collections::HashMap;
use std::sync::Arc;

use paperbrief_core::{PaperRef, Period, ReportDate};
use paperbrief_report::{DailyReport, ReportFiles, ReportKey};

use crate::day::{Day, resolve_versions};
use crate::error::OrchestratorError;
use crate::meter::RunMeter;
use crate::pipeline::pipeline;
use crate::progress::Progress;
use crate::publish::{Published, write_and_publish};
use crate::services::Services;

/// What to digest.
#[derive(Debug, Clone, Copy)]
pub struct DigestOptions {
    /// The week or month.
    pub period: Period,
    /// How many papers it shows.
    pub top: usize,
}

/// A written digest.
#[derive(Debug)]
pub struct Digest {
    /// The digest.
    pub report: DailyReport,
    /// Its files.
    pub files: ReportFiles,
    /// Days whose list could not be read (HF down, nothing stored), with why.
    pub missing_days: Vec<(ReportDate, String)>,
    /// What happened after it was written (the site).
    pub published: Published,
}

/// A paper of the period and the day whose list carried it (at its highest count).
struct Candidate {
    paper: PaperRef,
    day: usize,
    order: usize,
}

/// Writes the digest of `opts.period` (as far as it has gone: days after today are not read).
pub async fn digest(
    services: &Services,
    opts: DigestOptions,
    progress: Arc<dyn Progress>,
) -> Result<Digest, OrchestratorError> {
    let meter = RunMeter::start(services);
    let today = ReportDate::today_utc();
    let (mut days, missing_days) = read_days(services, opts.period, today).await;
    let chosen = top_papers(&days, opts.top);
    let positions: Vec<Vec<usize>> = days
        .iter()
        .enumerate()
        .map(|(d, day)| {
            let here = chosen.iter().filter(|c| c.day == d);
            here.filter_map(|c| {
                day.papers()
                    .iter()
                    .position(|p| p.id.base() == c.paper.id.base())
            })
            .collect()
        })
        .collect();
    let positions: Vec<&[usize]> = positions.iter().map(Vec::as_slice).collect();
    let hints = resolve_versions(services, &mut days, &positions).await;
    let work: Vec<_> = chosen
        .iter()
        .map(|c| {
            let hint = hints.get(c.paper.id.base()).cloned();
            (days[c.day].version_of(&c.paper), c.paper.clone(), hint)
        })
        .collect();
    let interests = crate::interests::Interests::setup(services).await?;
    let model = services.model_or_name().await?;
    let jobs = services.jobs(work, false, model.name()).await;
    let worker = services.worker(model, &jobs)?;
    progress.start(
        jobs.len(),
        jobs.iter().filter(|j| j.stored.is_some()).count(),
    );
    let worker = Arc::new(worker);
    let results = pipeline(Arc::clone(&worker), jobs, Arc::clone(&progress)).await;
    progress.finish();
    let through = opts.period.last().min(today);
    let mut report = DailyReport::digest(opts.period, through);
    report.stats = meter.finish(services, &results);
    report.entries = results.into_iter().map(|(e, _)| e).collect();
    report.recount();
    let previous = previous_digest(services, opts.period).await;
    let summarizer = worker.summarizer.as_ref();
    let (interests, previous) = (interests.as_ref(), previous.as_ref());
    crate::annotate::annotate(services, interests, summarizer, &mut report, previous).await;
    let (files, published) = write_and_publish(services, &report).await?;
    Ok(Digest {
        report,
        files,
        missing_days,
        published,
    })
}

/// The period's daily lists up to today (stored copies when HF cannot be reached); days that
/// cannot be read at all are named.
async fn read_days(
    services: &Services,
    period: Period,
    today: ReportDate,
) -> (Vec<Day>, Vec<(ReportDate, String)>) {
    let (mut days, mut missing) = (Vec::new(), Vec::new());
    for date in period.days().into_iter().filter(|d| *d <= today) {
        match Day::load(services, date).await {
            Ok(day) => days.push(day),
            Err(e) => {
                tracing::warn!(target: "paperbrief::digest", "{date}: {e}");
                missing.push((date, crate::error::error_chain(&e)));
            }
        }
    }
    (days, missing)
}

/// The `top` most upvoted papers across `days`, each once at the highest count seen; ties go to
/// the earlier day, then to list order.
fn top_papers(days: &[Day], top: usize) -> Vec<Candidate> {
    let mut best: HashMap<String, Candidate> = HashMap::new();
    let mut order = 0;
    for (day, d) in days.iter().enumerate() {
        for paper in d.papers() {
            order += 1;
            let better = best
                .get(paper.id.base())
                .is_none_or(|c| paper.upvotes > c.paper.upvotes);
            if better {
                let order = best.get(paper.id.base()).map_or(order, |c| c.order);
                best.insert(
                    paper.id.base().to_owned(),
                    Candidate {
                        paper: paper.clone(),
                        day,
                        order,
                    },
                );
            }
        }
    }
    let mut all: Vec<Candidate> = best.into_values().collect();
    all.sort_by_key(|c| (std::cmp::Reverse(c.paper.upvotes), c.order));
    all.truncate(top);
    all
}

/// The digest an earlier run wrote for `period`, if it can be read.
async fn previous_digest(services: &Services, period: Period) -> Option<DailyReport> {
    let reports = services.reports().clone();
    tokio::task::spawn_blocking(move || reports.read(ReportKey::Digest(period)))
        .await
        .ok()
        .and_then(Result::ok)
        .flatten()
}
