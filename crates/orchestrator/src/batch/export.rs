//! `batch export`: a request line per paper of the day that has no stored brief.

use futures::StreamExt as _;
use paperbrief_core::{ArxivId, PaperRef, ReportDate};
use paperbrief_fetch::extract::AbstractInfo;
use paperbrief_prompt::Budget;
use serde_json::json;

use super::{Manifest, ManifestEntry, custom_id};
use crate::day::{Day, Prepared};
use crate::error::{OrchestratorError, PlanError};
use crate::paper::{BriefKeys, source_info};
use crate::preview::{Planned, read_and_plan};
use crate::services::Services;
use crate::setup::ModelSetup;
use crate::summarize::Summarizer;

/// What an export wrote.
#[derive(Debug)]
pub struct Exported {
    /// The JSONL, one request per line.
    pub jsonl: String,
    /// Requests written.
    pub requests: usize,
    /// Papers with a stored brief already (no request).
    pub stored: usize,
    /// Papers that could not be read or planned, with why.
    pub unplanned: Vec<(ArxivId, PlanError)>,
    /// The model and context planned for.
    pub setup: ModelSetup,
}

/// Reads and plans every paper of `date` without a stored brief; returns the JSONL and stores
/// the manifest. The model is the server's when it answers, else `llm.model` (an offline
/// `vllm run-batch` has no server to ask). Papers are read as `run` reads them (at most
/// `run.fetch_concurrency` at once) and written in report order.
pub async fn export(services: &Services, date: ReportDate) -> Result<Exported, OrchestratorError> {
    let Prepared { day, hints, .. } = Day::prepare(services, date, &[], None).await?;
    let setup = services.planning_setup(true).await?;
    let planning = Planning {
        services,
        date,
        summarizer: services.summarizer(setup.clone()),
        budget: services.planner().budget(&setup),
        keys: services.keys(),
        model: &setup.model,
    };
    let in_flight = services.config().run.fetch_concurrency.get() as usize;
    let lines: Vec<Line> = futures::stream::iter(day.papers())
        .map(|paper| {
            let id = day.version_of(paper);
            let hint = hints.get(paper.id.base()).cloned();
            planning.line(paper, id, hint)
        })
        .buffered(in_flight.max(1))
        .collect()
        .await;
    let mut exported = Exported {
        jsonl: String::new(),
        requests: 0,
        stored: 0,
        unplanned: Vec::new(),
        setup: setup.clone(),
    };
    let mut entries = Vec::new();
    for line in lines {
        match line {
            Line::Stored => exported.stored += 1,
            Line::Unplanned(id, why) => exported.unplanned.push((id, why)),
            Line::Request(text, entry) => {
                exported.jsonl.push_str(&text);
                exported.jsonl.push('\n');
                entries.push(*entry);
            }
        }
    }
    exported.requests = entries.len();
    let manifest = Manifest {
        date,
        model: setup.model,
        requests: entries,
        batch_id: None,
    };
    services.store().put_manifest(&manifest).await?;
    Ok(exported)
}

/// What one paper gives the export.
enum Line {
    /// Its brief is stored: no request.
    Stored,
    /// It could not be read or planned: its id and why.
    Unplanned(ArxivId, PlanError),
    /// The request line and what the import needs to know of it.
    Request(String, Box<ManifestEntry>),
}

/// What every paper's request is planned with.
struct Planning<'a> {
    services: &'a Services,
    date: ReportDate,
    summarizer: Summarizer,
    budget: Budget,
    keys: BriefKeys,
    model: &'a str,
}

impl Planning<'_> {
    /// The paper's request line: read, planned and rendered exactly as `run`'s first request.
    async fn line(&self, paper: &PaperRef, id: ArxivId, hint: Option<AbstractInfo>) -> Line {
        let key = self.keys.key(&id, self.model);
        if self.services.store().brief(&key).await.is_some() {
            return Line::Stored;
        }
        let planned = read_and_plan(
            self.services,
            &self.summarizer,
            self.budget,
            paper,
            &id,
            hint,
        )
        .await;
        let Planned {
            source,
            prompt,
            request,
        } = match planned {
            Ok(p) => p,
            Err(e) => return Line::Unplanned(id, e),
        };
        let body = self.services.llm().body(&request);
        let custom_id = custom_id(self.date, &id, &key, &body.to_string());
        let line = json!({"custom_id": custom_id, "method": "POST", "url": "/v1/chat/completions", "body": body});
        let mut info = source_info(&source);
        info.cuts.clone_from(&prompt.cuts);
        info.figure = self.services.figures().attach(&source.doc).await;
        Line::Request(
            line.to_string(),
            Box::new(ManifestEntry {
                custom_id,
                paper: paper.clone(),
                id,
                key,
                source: info,
                template_id: prompt.template_id.clone(),
                prompt_tokens: prompt.tokens,
                max_tokens: request.max_tokens,
            }),
        )
    }
}
