//! `batch export`: a request line per paper of the day that has no stored brief.

use paperbrief_core::ReportDate;
use serde_json::json;

use super::{Manifest, ManifestEntry, custom_id};
use crate::day::Day;
use crate::error::OrchestratorError;
use crate::paper::source_info;
use crate::services::Services;
use crate::setup::ModelSetup;

/// What an export wrote.
#[derive(Debug, Clone)]
pub struct Exported {
    /// The JSONL, one request per line.
    pub jsonl: String,
    /// Requests written.
    pub requests: usize,
    /// Papers with a stored brief already (no request).
    pub stored: usize,
    /// Papers that could not be read or planned, with why.
    pub unplanned: Vec<(String, String)>,
    /// The model and context planned for.
    pub setup: ModelSetup,
}

/// Reads and plans every paper of `date` without a stored brief; returns the JSONL and stores
/// the manifest. The model is the server's when it answers, else `llm.model` (an offline
/// `vllm run-batch` has no server to ask).
pub async fn export(services: &Services, date: ReportDate) -> Result<Exported, OrchestratorError> {
    let mut day = Day::load(
        &services.sources().hf,
        services.store(),
        services.reports(),
        date,
    )
    .await?;
    let all: Vec<usize> = (0..day.papers().len()).collect();
    let hints = day.resolve_versions(&services.sources().arxiv, &all).await;
    day.save(services.store()).await;
    let setup = batch_setup(services).await?;
    let summarizer = services.summarizer(setup.clone());
    let keys = services.keys();
    let (mut lines, mut entries, mut stored, mut unplanned) =
        (String::new(), Vec::new(), 0, Vec::new());
    for paper in day.papers() {
        let id = day.version_of(paper);
        let key = keys.key(&id, &setup.model);
        if services.store().brief(&key).await.is_some() {
            stored += 1;
            continue;
        }
        let hint = hints.get(paper.id.base()).cloned();
        let source = match services.reader().read(paper, &id, hint, false).await {
            Ok(s) => s,
            Err(e) => {
                unplanned.push((id.to_string(), e));
                continue;
            }
        };
        let budget = services.planner().budget(&setup);
        let prompt = match services
            .planner()
            .plan(&source.doc, Some(paper), budget)
            .await
        {
            Ok(p) => p,
            Err(e) => {
                unplanned.push((id.to_string(), e.to_string()));
                continue;
            }
        };
        let request = summarizer.first_request(&prompt);
        let body = services.llm().body(&request);
        let body_text = body.to_string();
        let custom_id = custom_id(date, &id, &key, &body_text);
        let line = json!({"custom_id": custom_id, "method": "POST", "url": "/v1/chat/completions", "body": body});
        lines.push_str(&line.to_string());
        lines.push('\n');
        let mut info = source_info(&source);
        info.cuts.clone_from(&prompt.cuts);
        entries.push(ManifestEntry {
            custom_id,
            paper: paper.clone(),
            id,
            key,
            source: info,
            template_id: prompt.template_id.clone(),
            prompt_tokens: prompt.tokens,
            max_tokens: request.max_tokens,
        });
    }
    let manifest = Manifest {
        date,
        model: setup.model.clone(),
        requests: entries,
        batch_id: None,
    };
    services.store().put_manifest(&manifest).await?;
    Ok(Exported {
        requests: manifest.requests.len(),
        jsonl: lines,
        stored,
        unplanned,
        setup,
    })
}

/// The server's setup when it answers; else `llm.model` with the configured context.
async fn batch_setup(services: &Services) -> Result<ModelSetup, OrchestratorError> {
    match services.setup_model().await {
        Ok(setup) => Ok(setup),
        Err(e) => {
            let llm = &services.config().llm;
            let Some(model) = llm.model.clone() else {
                return Err(e);
            };
            tracing::warn!(target: "paperbrief::batch", "{e}; planning for llm.model = {model} without the server");
            Ok(ModelSetup::offline(model, llm.max_model_len))
        }
    }
}
