//! 今日速览 for a report: after the day's (or digest's) briefs, one more request — a few for a
//! day too large for one context — over each briefed paper's id, title, 应用领域 and
//! 一句话核心贡献, read and checked by [`paperbrief_core::overview::Overview`], stored in the
//! report with the hash of its inputs: a rerun with nothing changed asks nothing, a changed brief
//! makes the next write ask again. A failed overview never costs the report: the block says why.

mod ask;

use std::time::Instant;

use paperbrief_core::config::OverviewConfig;
use paperbrief_core::{Config, Grounding, SectionName};
use paperbrief_prompt::{OverviewPaper, Template};
use paperbrief_report::{BasedOn, DailyReport, OverviewBlock, OverviewState};
use serde_json::json;

use crate::summarize::Summarizer;

/// What makes overviews: the template and settings, with the model when it can be asked.
pub(crate) struct Overviews<'a> {
    config: &'a OverviewConfig,
    template: &'a Template,
    summarizer: Option<&'a Summarizer>,
}

impl<'a> Overviews<'a> {
    pub(crate) fn new(
        config: &'a Config,
        template: &'a Template,
        summarizer: Option<&'a Summarizer>,
    ) -> Self {
        Self {
            config: &config.overview,
            template,
            summarizer,
        }
    }

    /// Gives `report` its overview: `previous`'s when its inputs are the same (no request, unless
    /// `force`), else a new one; then every entry its tags and Chinese title from it. Returns
    /// whether a request was made.
    pub(crate) async fn refresh(
        &self,
        report: &mut DailyReport,
        previous: Option<&OverviewBlock>,
        force: bool,
    ) -> bool {
        let papers = inputs(report);
        if !self.config.enabled || papers.is_empty() {
            report.overview = None;
            apply(report);
            return false;
        }
        let based_on = BasedOn {
            briefs: papers.len(),
            papers: report.entries.len(),
        };
        let model = self.summarizer.map(|s| s.setup().model.clone());
        let hash = self.inputs_hash(&papers, model.as_deref().unwrap_or_default());
        let reusable = previous.filter(|p| {
            !force
                && matches!(p.state, OverviewState::Ok(_))
                && (p.inputs_hash == hash || (model.is_none() && p.based_on == based_on))
        });
        let (block, asked) = match (reusable, self.summarizer) {
            (Some(p), _) => (p.clone(), false),
            (None, None) => (pending(based_on, hash), false),
            (None, Some(s)) => {
                let grounding = grounding(report);
                (self.ask(s, papers, &grounding, based_on, hash).await, true)
            }
        };
        report.overview = Some(block);
        apply(report);
        asked
    }

    async fn ask(
        &self,
        s: &Summarizer,
        papers: Vec<OverviewPaper>,
        grounding: &Grounding,
        based_on: BasedOn,
        inputs_hash: String,
    ) -> OverviewBlock {
        let started = Instant::now();
        let asker = ask::Asker::new(s, self.template, self.config, grounding);
        let (state, asked) = match asker.overview(papers).await {
            Ok((overview, asked)) => (OverviewState::Ok(overview), asked),
            Err((reason, asked)) => {
                tracing::warn!(target: "paperbrief::run", "今日速览 failed: {reason}");
                (OverviewState::Failed { reason }, asked)
            }
        };
        tracing::info!(target: "paperbrief::run", "今日速览: {} request(s), {}+{} tokens, {:.1}s", asked.requests, asked.prompt_tokens, asked.completion_tokens, started.elapsed().as_secs_f64());
        OverviewBlock {
            state,
            based_on,
            model: s.setup().model.clone(),
            inputs_hash,
            requests: asked.requests,
            prompt_tokens: asked.prompt_tokens,
            completion_tokens: asked.completion_tokens,
            seconds: started.elapsed().as_secs_f64(),
        }
    }

    /// SHA-256 of everything the overview depends on.
    fn inputs_hash(&self, papers: &[OverviewPaper], model: &str) -> String {
        let inputs = json!({
            "template": self.template.id(),
            "model": model,
            "tags": self.config.tags,
            "max_themes": self.config.max_themes,
            "papers": papers,
        });
        paperbrief_core::hash::hex_sha256(inputs.to_string().as_bytes())
    }
}

/// Gives `report` its overview with the configuration's template (see [`Overviews::refresh`]);
/// `previous` is the overview the report had before. Returns whether a request was made.
pub(crate) async fn refresh(
    services: &crate::Services,
    summarizer: Option<&Summarizer>,
    report: &mut DailyReport,
    previous: Option<&OverviewBlock>,
    force: bool,
) -> bool {
    Overviews::new(services.config(), services.overview_template(), summarizer)
        .refresh(report, previous, force)
        .await
}

/// The papers with a brief, as the overview reads them.
fn inputs(report: &DailyReport) -> Vec<OverviewPaper> {
    report
        .entries
        .iter()
        .filter_map(|e| match &e.outcome {
            paperbrief_report::Outcome::Ok { brief, .. } => Some(OverviewPaper {
                id: e.paper.id.base().to_owned(),
                title: e.paper.title.clone(),
                domain: brief.section(SectionName::Domain).trim().to_owned(),
                contribution: brief.section(SectionName::Contribution).trim().to_owned(),
            }),
            _ => None,
        })
        .collect()
}

/// The numbers the day's briefs contain: an overview quoting another is flagged.
fn grounding(report: &DailyReport) -> Grounding {
    let mut text = String::new();
    for e in &report.entries {
        if let paperbrief_report::Outcome::Ok { brief, .. } = &e.outcome {
            for (_, section) in brief.sections.iter() {
                text.push_str(section);
                text.push('\n');
            }
        }
    }
    Grounding::new(&text)
}

fn pending(based_on: BasedOn, inputs_hash: String) -> OverviewBlock {
    OverviewBlock {
        state: OverviewState::Pending {
            reason:
                "the model could not be asked; the next run, or `paperbrief overview`, makes it"
                    .to_owned(),
        },
        based_on,
        model: String::new(),
        inputs_hash,
        requests: 0,
        prompt_tokens: 0,
        completion_tokens: 0,
        seconds: 0.0,
    }
}

/// Every entry's tags and Chinese title, from the overview (none without one).
fn apply(report: &mut DailyReport) {
    let overview = report
        .overview
        .as_ref()
        .and_then(OverviewBlock::overview)
        .cloned();
    for e in &mut report.entries {
        let id = e.paper.id.base();
        e.tags = overview
            .as_ref()
            .and_then(|o| o.tags.get(id).cloned())
            .unwrap_or_default();
        e.title_zh = overview.as_ref().and_then(|o| o.titles.get(id).cloned());
    }
}
