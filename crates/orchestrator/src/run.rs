//! The nightly run: list → fetch → prompt → LLM → parse, as a pipeline. Each paper is a task:
//! it reads its text (at most `run.fetch_concurrency` at once, arXiv still paced), then asks the
//! model (at most `llm.max_concurrency` at once), so summarising starts while later papers are
//! still being fetched. Finished work is stored as it finishes; one paper failing never stops
//! the others.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use paperbrief_core::{ArxivId, PaperRef, ReportDate};
use paperbrief_fetch::extract::AbstractInfo;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::engine::{Engine, FALLBACK_CONTEXT, ModelSetup};
use crate::error::OrchestratorError;
use crate::papers::{self, Prepared};
use crate::progress::Progress;
use crate::report::{
    DailyReport, Entry, Failure, Outcome, RunStats, SCHEMA, Stage, render_markdown,
};
use crate::store::{ListSnapshot, write};

/// What to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The day.
    pub date: ReportDate,
    /// Only the first N papers in report order.
    pub limit: Option<usize>,
    /// Only these papers.
    pub only: Vec<ArxivId>,
    /// Ignore stored briefs.
    pub force: bool,
    /// Render prompts and count tokens, no model calls, no report.
    pub dry_run: bool,
}

/// One paper of a dry run.
#[derive(Debug, Clone)]
pub struct DryRunLine {
    /// The paper.
    pub id: String,
    /// What was read (`HTML`, `ArXiv Abs`), or why nothing.
    pub source: String,
    /// Prompt tokens, or the error.
    pub tokens: Result<usize, String>,
    /// The budget.
    pub budget: usize,
    /// Headings of cut sections.
    pub cuts: Vec<String>,
}

/// How a run ended.
#[derive(Debug, Clone)]
pub enum RunResult {
    /// The report was written.
    Written {
        /// The report.
        report: Box<DailyReport>,
        /// `{date}.md`.
        markdown: PathBuf,
        /// `{date}.json`.
        json: PathBuf,
    },
    /// The day has no papers (a weekend or holiday); nothing to do.
    Empty,
    /// A dry run's prompts.
    DryRun(Vec<DryRunLine>),
}

/// Versioned ids and export-API abstracts of a day's papers, by base id.
type Versions = BTreeMap<String, (ArxivId, Option<AbstractInfo>)>;

/// Runs one day.
pub async fn run(
    engine: &Engine,
    opts: &RunOptions,
    progress: Arc<dyn Progress>,
) -> Result<RunResult, OrchestratorError> {
    let started = Instant::now();
    let requests_before = engine.llm.requests_sent();
    let papers = select(engine, opts).await?;
    if papers.is_empty() {
        return Ok(RunResult::Empty);
    }
    let versions = versions(engine, opts.date, &papers).await;
    if opts.dry_run {
        return Ok(RunResult::DryRun(dry_run(engine, &papers, &versions).await));
    }
    let (setup, prepared) = plan(engine, opts, &papers, &versions).await?;
    progress.start(prepared.len());
    let results = pipeline(engine, &setup, prepared, &versions, Arc::clone(&progress)).await;
    progress.finish();
    let mut stats = RunStats {
        reused: results.iter().filter(|(_, reused)| *reused).count(),
        llm_requests: engine.llm.requests_sent() - requests_before,
        wall_seconds: (started.elapsed().as_secs_f64() * 10.0).round() / 10.0,
        ..RunStats::default()
    };
    for (entry, reused) in &results {
        if let (Outcome::Ok { provenance, .. }, false) = (&entry.outcome, reused) {
            stats.prompt_tokens += u64::from(provenance.prompt_tokens);
            stats.completion_tokens += u64::from(provenance.completion_tokens);
        }
    }
    let mut report = DailyReport {
        schema: SCHEMA,
        date: opts.date,
        source_url: DailyReport::source_url_for(opts.date),
        generated_by: format!("paperbrief {}", env!("CARGO_PKG_VERSION")),
        stats,
        entries: results.into_iter().map(|(e, _)| e).collect(),
    };
    report.recount();
    let (markdown, json) = write_report(engine, &report)?;
    Ok(RunResult::Written {
        report: Box::new(report),
        markdown,
        json,
    })
}

/// The model to ask and each paper's key and stored brief. An unreachable endpoint is fatal
/// only when some paper still needs it (and `llm.model` names the model the stored briefs are
/// keyed by).
async fn plan(
    engine: &Engine,
    opts: &RunOptions,
    papers: &[PaperRef],
    versions: &Versions,
) -> Result<(ModelSetup, Vec<Prepared>), OrchestratorError> {
    let resolved = engine.resolve_model().await;
    let key_model = match (&resolved, engine.config.llm.model.as_str()) {
        (Ok(setup), _) => setup.model.clone(),
        (Err(_), configured) if !configured.is_empty() => configured.to_owned(),
        (Err(_), _) => {
            return Err(resolved
                .err()
                .unwrap_or_else(|| OrchestratorError::Setup("no model".into())));
        }
    };
    let prepared: Vec<Prepared> = papers
        .iter()
        .map(|p| {
            papers::prepare(
                engine,
                p,
                versions.get(p.id.base()).map(|i| &i.0),
                &key_model,
                opts.force,
            )
        })
        .collect();
    let todo = prepared.iter().filter(|p| p.stored.is_none()).count();
    let setup = match resolved {
        Ok(setup) => {
            tracing::info!(target: "paperbrief::run", "model {} with a {}-token context (from {})", setup.model, setup.context, setup.context_source);
            setup
        }
        Err(e) if todo > 0 => return Err(e),
        Err(e) => {
            tracing::warn!(target: "paperbrief::run", "{e}; every brief is stored, so nothing needs it");
            ModelSetup {
                model: key_model,
                context: FALLBACK_CONTEXT,
                context_source: "unused",
            }
        }
    };
    Ok((setup, prepared))
}

/// The day's papers (fresh from HF, or the stored copy when HF cannot be reached), filtered
/// by `--only` and `--limit`.
async fn select(engine: &Engine, opts: &RunOptions) -> Result<Vec<PaperRef>, OrchestratorError> {
    let date = opts.date;
    let mut papers = day_list(engine, date).await?;
    if !opts.only.is_empty() {
        for id in &opts.only {
            if !papers.iter().any(|p| p.id.base() == id.base()) {
                return Err(OrchestratorError::NotInList {
                    id: id.to_string(),
                    date,
                });
            }
        }
        papers.retain(|p| opts.only.iter().any(|id| id.base() == p.id.base()));
    }
    if let Some(n) = opts.limit {
        papers.truncate(n);
    }
    Ok(papers)
}

/// The day's list from HF, or — when HF cannot be reached — the copy an earlier run stored.
pub(crate) async fn day_list(
    engine: &Engine,
    date: ReportDate,
) -> Result<Vec<PaperRef>, OrchestratorError> {
    match engine.sources.hf.daily_papers(date).await {
        Ok(list) => Ok(list.papers),
        Err(source) => match engine.store.list(date) {
            Some(snapshot) => {
                tracing::warn!(target: "paperbrief::run", "{source}; using the list stored by an earlier run");
                Ok(snapshot.papers)
            }
            None => Err(OrchestratorError::HfList { date, source }),
        },
    }
}

/// Versions and abstracts from the export API (one request per `arxiv_api_batch` papers);
/// versions an earlier run resolved are reused, so reruns key their work identically.
async fn versions(engine: &Engine, date: ReportDate, papers: &[PaperRef]) -> Versions {
    let stored = engine
        .store
        .list(date)
        .map(|s| s.versions)
        .unwrap_or_default();
    let mut out = Versions::new();
    for p in papers {
        if let Some(id) = stored.get(p.id.base()).and_then(|v| ArxivId::parse(v).ok()) {
            out.insert(p.id.base().to_owned(), (id, None));
        }
    }
    let missing: Vec<ArxivId> = papers
        .iter()
        .filter(|p| !out.contains_key(p.id.base()))
        .map(|p| p.id.unversioned())
        .collect();
    if !missing.is_empty() {
        match engine.sources.arxiv.lookup(&missing).await {
            Ok(found) => {
                for info in found {
                    if let Some(id) = info.id.as_deref().and_then(|s| ArxivId::parse(s).ok()) {
                        out.insert(id.base().to_owned(), (id, Some(info)));
                    }
                }
            }
            Err(e) => {
                tracing::warn!(target: "paperbrief::run", "arXiv export API: {e}; continuing without versions")
            }
        }
    }
    let snapshot = ListSnapshot {
        papers: papers.to_vec(),
        versions: out
            .iter()
            .map(|(k, (id, _))| (k.clone(), id.to_string()))
            .collect(),
    };
    if let Err(e) = engine.store.put_list(date, &snapshot) {
        tracing::warn!(target: "paperbrief::store", "{e}");
    }
    out
}

/// Runs every paper as a task and collects the entries in report order.
async fn pipeline(
    engine: &Engine,
    setup: &ModelSetup,
    prepared: Vec<Prepared>,
    versions: &Versions,
    progress: Arc<dyn Progress>,
) -> Vec<(Entry, bool)> {
    let fetch_slots = Arc::new(Semaphore::new(
        engine.config.run.fetch_concurrency.max(1) as usize
    ));
    let mut tasks = JoinSet::new();
    let mut results: Vec<Option<(Entry, bool)>> = vec![None; prepared.len()];
    let fallback_entries: Vec<PaperRef> = prepared.iter().map(|p| p.paper.clone()).collect();
    for (index, item) in prepared.into_iter().enumerate() {
        let hint = versions
            .get(item.paper.id.base())
            .and_then(|(_, info)| info.clone());
        let (engine, setup, slots, progress) = (
            engine.clone(),
            setup.clone(),
            Arc::clone(&fetch_slots),
            Arc::clone(&progress),
        );
        tasks.spawn(async move {
            let started = Instant::now();
            let (entry, reused) =
                papers::process(&engine, &setup, item, hint, &slots, progress.as_ref()).await;
            progress.finished(&entry, reused, started.elapsed().as_secs_f64());
            (index, entry, reused)
        });
    }
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((index, entry, reused)) => results[index] = Some((entry, reused)),
            Err(e) => tracing::error!(target: "paperbrief::run", "a paper's task failed: {e}"),
        }
    }
    results
        .into_iter()
        .zip(fallback_entries)
        .map(|(r, paper)| {
            r.unwrap_or_else(|| {
                let failure = Failure {
                    stage: Stage::Llm,
                    reason: "internal error: the paper's task stopped".into(),
                };
                (
                    Entry {
                        paper,
                        source: None,
                        outcome: Outcome::Failed(failure),
                    },
                    false,
                )
            })
        })
        .collect()
}

async fn dry_run(engine: &Engine, papers: &[PaperRef], versions: &Versions) -> Vec<DryRunLine> {
    let context = match engine.config.llm.max_model_len {
        0 => engine
            .resolve_model()
            .await
            .map(|s| s.context)
            .unwrap_or(FALLBACK_CONTEXT),
        n => n,
    };
    let mut lines = Vec::with_capacity(papers.len());
    for p in papers {
        let (id, hint) = versions
            .get(p.id.base())
            .cloned()
            .unwrap_or((p.id.clone(), None));
        lines.push(papers::dry_run_line(engine, p, &id, hint, context).await);
    }
    lines
}

/// Writes `{date}.json` then `{date}.md`, each atomically.
pub fn write_report(
    engine: &Engine,
    report: &DailyReport,
) -> Result<(PathBuf, PathBuf), OrchestratorError> {
    let (md, json) = engine.report_paths(report.date);
    write(&json, report)?;
    paperbrief_fetch::atomic_write(&md, render_markdown(report).as_bytes()).map_err(|e| {
        OrchestratorError::Io {
            path: md.clone(),
            message: e.to_string(),
        }
    })?;
    Ok((md, json))
}
