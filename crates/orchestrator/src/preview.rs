//! Prompts without the model: `run --dry-run` for a day and `prompt` for one paper. Both read
//! the paper as `run` does and plan through the same `Planner` and `Summarizer::first_request`,
//! so what they show is exactly what `run` sends.

use paperbrief_core::{ArxivId, PaperRef, ReportDate};
use paperbrief_fetch::extract::AbstractInfo;
use paperbrief_prompt::{Budget, RenderedPrompt};
use paperbrief_report::SourceInfo;

use crate::day::{Day, Hints, Prepared};
use crate::error::{OrchestratorError, PlanError};
use crate::paper::source_info;
use crate::services::Services;
use crate::setup::ModelSetup;
use crate::store::StoredSource;
use crate::summarize::Summarizer;
use paperbrief_llm::ChatRequest;

/// One paper's prompt, as `run` would send it.
#[derive(Debug, Clone)]
pub struct PlannedPrompt {
    /// The paper.
    pub paper: PaperRef,
    /// What was read.
    pub source: SourceInfo,
    /// The budget it was planned for.
    pub budget: Budget,
    /// The rendered prompt (messages, tokens, cuts).
    pub prompt: RenderedPrompt,
    /// The exact request body `run` sends first (model, messages, sampling, `response_format`,
    /// `extra_body` merged).
    pub body: serde_json::Value,
}

/// A dry run of a day.
#[derive(Debug)]
pub struct DryRun {
    /// The model and context planned for.
    pub setup: ModelSetup,
    /// One line per paper worked on.
    pub lines: Vec<DryRunLine>,
}

/// One paper of a dry run.
#[derive(Debug)]
pub struct DryRunLine {
    /// The paper, with the version read.
    pub id: ArxivId,
    /// What was read (`HTML`, `ArXiv Abs`), or `unread`.
    pub source: String,
    /// Prompt tokens, or why there is no prompt.
    pub tokens: Result<usize, PlanError>,
    /// The input budget.
    pub budget: usize,
    /// Headings of cut sections.
    pub cuts: Vec<String>,
}

/// A paper read as `run` reads it, with the first request `run` sends for it.
pub(crate) struct Planned {
    /// What was read.
    pub(crate) source: StoredSource,
    /// Its prompt.
    pub(crate) prompt: RenderedPrompt,
    /// The first request.
    pub(crate) request: ChatRequest,
}

/// Reads a paper as `run` does and plans its first request: the one read-and-plan of
/// `run --dry-run`, `prompt` and `batch export`.
pub(crate) async fn read_and_plan(
    services: &Services,
    summarizer: &Summarizer,
    budget: Budget,
    paper: &PaperRef,
    id: &ArxivId,
    hint: Option<AbstractInfo>,
) -> Result<Planned, PlanError> {
    let source = services.reader().read(paper, id, hint, false).await?;
    let prompt = services
        .planner()
        .plan(&source.doc, Some(paper), budget)
        .await?;
    let request = summarizer.first_request(&prompt);
    Ok(Planned {
        source,
        prompt,
        request,
    })
}

/// [`read_and_plan`] for one paper, as `prompt` and the dry run show it.
async fn plan_one(
    services: &Services,
    setup: &ModelSetup,
    paper: &PaperRef,
    id: &ArxivId,
    hint: Option<AbstractInfo>,
) -> Result<PlannedPrompt, PlanError> {
    let budget = services.planner().budget(setup);
    let summarizer = services.summarizer(setup.clone());
    let planned = read_and_plan(services, &summarizer, budget, paper, id, hint).await?;
    Ok(PlannedPrompt {
        paper: paper.clone(),
        source: source_info(&planned.source),
        budget,
        body: services.llm().body(&planned.request),
        prompt: planned.prompt,
    })
}

/// Plans the prompt of every chosen paper of the day, without calling the model.
pub(crate) async fn dry_run(
    services: &Services,
    day: &Day,
    chosen: &[usize],
    hints: Hints,
) -> Result<DryRun, OrchestratorError> {
    let setup = services.planning_setup(false).await?;
    let mut lines = Vec::with_capacity(chosen.len());
    for &i in chosen {
        let paper = &day.papers()[i];
        let id = day.version_of(paper);
        let budget = services.planner().budget(&setup).input();
        let hint = hints.get(paper.id.base()).cloned();
        let line = match plan_one(services, &setup, paper, &id, hint).await {
            Ok(p) => DryRunLine {
                source: p.source.label(),
                tokens: Ok(p.prompt.tokens),
                cuts: p.prompt.cuts.iter().map(|c| c.section.clone()).collect(),
                budget,
                id,
            },
            Err(e) => DryRunLine {
                source: "unread".into(),
                tokens: Err(e),
                cuts: Vec::new(),
                budget,
                id,
            },
        };
        lines.push(line);
    }
    Ok(DryRun { setup, lines })
}

/// The prompt `run` would send first for paper `id` — with that day's HF metadata when `date`
/// is given (the paper must be in its list) — and the setup it was planned for.
pub async fn plan_prompt(
    services: &Services,
    id: &ArxivId,
    date: Option<ReportDate>,
) -> Result<(PlannedPrompt, ModelSetup), OrchestratorError> {
    let (paper, version, hint) = match date {
        Some(date) => {
            let Prepared {
                day,
                chosen,
                mut hints,
            } = Day::prepare(services, date, std::slice::from_ref(id), None).await?;
            let paper = day.papers()[chosen[0]].clone();
            let version = explicit_or(id, day.version_of(&paper));
            let hint = hints.remove(paper.id.base());
            (paper, version, hint)
        }
        None => (PaperRef::bare(id.clone()), id.clone(), None),
    };
    let setup = services.planning_setup(false).await?;
    let planned = plan_one(services, &setup, &paper, &version, hint)
        .await
        .map_err(|reason| OrchestratorError::Unplannable {
            id: version.clone(),
            reason,
        })?;
    Ok((planned, setup))
}

/// The version asked for when `id` names one, else `resolved`.
fn explicit_or(id: &ArxivId, resolved: ArxivId) -> ArxivId {
    if id.version().is_some() {
        id.clone()
    } else {
        resolved
    }
}
