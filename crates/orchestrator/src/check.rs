//! `check`: can a run work? The endpoint, its models and context, a tiny completion, HF and
//! arXiv — each line says ok or what to fix.

use std::time::Instant;

use paperbrief_core::ReportDate;

use crate::llm::{ChatRequest, LlmClient, Message};
use crate::services::Services;
use crate::setup::resolve_model_from;

/// One line of the check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckLine {
    /// What was checked.
    pub what: String,
    /// Whether it worked.
    pub ok: bool,
    /// What was found, or what to fix.
    pub detail: String,
}

fn line(what: impl Into<String>, result: Result<String, String>) -> CheckLine {
    match result {
        Ok(detail) => CheckLine {
            what: what.into(),
            ok: true,
            detail,
        },
        Err(detail) => CheckLine {
            what: what.into(),
            ok: false,
            detail,
        },
    }
}

/// Runs every check, in order; later checks still run when earlier ones fail.
pub async fn check(services: &Services) -> Vec<CheckLine> {
    let mut lines = Vec::new();
    let (llm, config) = (services.llm(), services.config());
    let base = llm.base_url().to_owned();
    let models = llm.models().await;
    lines.push(line(
        format!("LLM endpoint {base}"),
        match &models {
            Ok(m) if m.is_empty() => Err("answers, but lists no models; set llm.model".into()),
            Ok(m) => Ok(format!(
                "{} model(s): {}",
                m.len(),
                m.iter()
                    .map(|x| x.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            Err(e) => Err(format!("{e}")),
        },
    ));
    match resolve_model_from(llm, &config.llm, models).await {
        Ok(setup) => {
            lines.push(line(
                "model",
                Ok(format!(
                    "{}, context {} tokens (from {})",
                    setup.model, setup.context, setup.context_source
                )),
            ));
            lines.push(completion(llm, &setup.model).await);
        }
        Err(e) => lines.push(line("model", Err(e.to_string()))),
    }
    let today = ReportDate::today_utc();
    lines.push(line(
        format!("Hugging Face {}", config.sources.hf_endpoint),
        services
            .sources()
            .hf
            .daily_papers(today)
            .await
            .map(|l| format!("{} papers listed for {today}", l.papers.len()))
            .map_err(|e| format!("{e}; check sources.hf_endpoint or HF_ENDPOINT")),
    ));
    lines.push(line(
        format!("arXiv {}", config.sources.arxiv_base),
        services
            .sources()
            .arxiv
            .probe()
            .await
            .map(|()| "abstract pages answer".into())
            .map_err(|e| format!("{e}; check sources.arxiv_base")),
    ));
    lines.push(line(
        format!("arXiv API {}", config.sources.arxiv_api_base),
        match services.sources().arxiv.lookup(&[probe_id()]).await {
            Ok(found) if !found.is_empty() => Ok("export API answers".into()),
            Ok(_) => Err(
                "the export API found nothing for 1706.03762; check sources.arxiv_api_base".into(),
            ),
            Err(e) => Err(format!("{e}; check sources.arxiv_api_base")),
        },
    ));
    lines
}

async fn completion(llm: &LlmClient, model: &str) -> CheckLine {
    let request = ChatRequest {
        model: model.to_owned(),
        temperature: 0.0,
        messages: vec![Message::new("user", "请只回复两个字：你好")],
        max_tokens: 16,
        prompt_tokens: 16,
        response_format: None,
    };
    let started = Instant::now();
    let outcome = llm.chat(&request).await;
    line(
        "completion",
        outcome
            .result
            .map(|r| {
                format!(
                    "answered in {:.1}s (finish_reason {}, {} tokens)",
                    started.elapsed().as_secs_f64(),
                    r.finish_reason.as_deref().unwrap_or("?"),
                    r.usage.map_or(0, |u| u.completion_tokens)
                )
            })
            .map_err(|e| e.to_string()),
    )
}

fn probe_id() -> paperbrief_core::ArxivId {
    #[allow(clippy::expect_used)]
    paperbrief_core::ArxivId::parse("1706.03762").expect("a valid id")
}
