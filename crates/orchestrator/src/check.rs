//! `check`: can a run work? The endpoint, its models and context, a tiny completion, HF and
//! arXiv — each line says ok or what to fix.

use std::time::Instant;

use paperbrief_core::{ChannelKind, Config, ReportDate};
use paperbrief_http::{ClientSettings, RetryPolicy};
use paperbrief_notify::{Briefing, Delivery, deliver};

use crate::planning::calibrate;
use crate::services::Services;
use crate::setup::{ModelSetup, resolve_model_from};
use paperbrief_llm::{ChatRequest, LlmClient, Message};

/// How a check went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// It works.
    Ok,
    /// It works, but a setting should change.
    Warn,
    /// It does not work; the detail says what to fix.
    Fail,
}

/// One line of the check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckLine {
    /// What was checked.
    pub what: String,
    /// How it went.
    pub status: Status,
    /// What was found, or what to fix.
    pub detail: String,
}

fn line(what: impl Into<String>, result: Result<String, String>) -> CheckLine {
    let (status, detail) = match result {
        Ok(detail) => (Status::Ok, detail),
        Err(detail) => (Status::Fail, detail),
    };
    CheckLine {
        what: what.into(),
        status,
        detail,
    }
}

/// Runs every check, in order; later checks still run when earlier ones fail.
pub async fn check(services: &Services) -> Vec<CheckLine> {
    let mut lines = Vec::new();
    let (llm, config) = (services.llm(), services.config());
    let models = llm.models().await;
    let reachable = models.is_ok();
    lines.push(line(
        format!("LLM endpoint {}", llm.label()),
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
        Ok(mut setup) => {
            lines.push(line(
                "model",
                Ok(format!(
                    "{}, context {} tokens per request (from {})",
                    setup.model, setup.context, setup.context_source
                )),
            ));
            lines.push(slots(&setup, config.llm.max_concurrency.get()));
            calibrate(llm, services.planner(), &mut setup).await;
            lines.push(tokens(&setup));
            lines.push(completion(llm, &setup.model).await);
            others(services, &setup.model, &mut lines).await;
        }
        Err(_) if !reachable => lines.push(line(
            "model",
            Err("not checked: the endpoint cannot be used".into()),
        )),
        Err(e) => lines.push(line("model", Err(crate::error::error_chain(&e)))),
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
        messages: vec![Message::user("请只回复两个字：你好")],
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

/// With several endpoints, a line for each of the others: it must serve the same model.
async fn others(services: &Services, model: &str, lines: &mut Vec<CheckLine>) {
    let pinned = paperbrief_core::config::LlmConfig {
        model: Some(model.to_owned()),
        ..services.config().llm.clone()
    };
    for other in services.endpoints().iter().skip(1) {
        lines.push(line(
            format!("LLM endpoint {}", other.label()),
            crate::setup::resolve_model(other, &pinned)
                .await
                .map(|s| {
                    format!(
                        "serves {}, context {} tokens per request",
                        s.model, s.context
                    )
                })
                .map_err(|e| crate::error::error_chain(&e)),
        ));
    }
}

/// The server's slots against `llm.max_concurrency`.
fn slots(setup: &ModelSetup, max_concurrency: u32) -> CheckLine {
    let Some(n) = setup.slots else {
        return line(
            "slots",
            Ok(format!(
                "the server does not say; up to {max_concurrency} requests at once (llm.max_concurrency)"
            )),
        );
    };
    let mut detail = format!("{n} requests at once, {} tokens each", setup.context);
    let fit = setup.fitting_requests().unwrap_or(n);
    if let Some(cache) = setup.shared_cache {
        detail.push_str(&format!(
            ", sharing one {cache}-token KV cache: {fit} request(s) of {} tokens fit at once (a lower llm.max_model_len lets more run)",
            setup.context
        ));
    }
    if max_concurrency > fit {
        return CheckLine {
            what: "slots".into(),
            status: Status::Warn,
            detail: format!(
                "{detail}; llm.max_concurrency is {max_concurrency}, so paperbrief sends at most {fit} at once (set llm.max_concurrency = {fit} to say so)"
            ),
        };
    }
    line("slots", Ok(detail))
}

/// How the server counts tokens against our estimate.
fn tokens(setup: &ModelSetup) -> CheckLine {
    line(
        "token count",
        Ok(match setup.calibration {
            Some(c) => format!(
                "the server counts {} tokens for the prompt's fixed part where paperbrief estimates {}: budgets leave {} for the difference",
                c.server,
                c.estimate,
                c.overhead()
            ),
            None => "the server offers no /tokenize; budgets rely on the safety margin".into(),
        }),
    )
}

fn probe_id() -> paperbrief_core::ArxivId {
    #[allow(clippy::expect_used)]
    paperbrief_core::ArxivId::parse("1706.03762").expect("a valid id")
}

/// A line per `[[notify]]` channel: its variables set and well formed, and in which mode it
/// runs — the top papers with links to the published site, or every paper when no site is
/// published. With `send`, each channel is sent a test message (not recorded as a delivery).
pub async fn channels(config: &Config, send: bool) -> Vec<CheckLine> {
    let site = crate::publish::site_url(config);
    let http = ClientSettings::sources(config).build();
    let env = |name: &str| std::env::var(name).ok();
    let mut lines = Vec::with_capacity(config.notify.len());
    for channel in &config.notify {
        let what = format!("notify {} ({})", channel.label(), channel.kind().as_str());
        if let Err(e) = paperbrief_notify::check(channel, &env) {
            lines.push(line(what, Err(e.message)));
            continue;
        }
        let mode = match (&site, channel.kind()) {
            (_, ChannelKind::Email | ChannelKind::Webhook) => "every paper, in full".to_owned(),
            (Some(url), _) => format!(
                "the top {} papers, linked to the site at {url}",
                channel.top()
            ),
            (None, _) => "every paper's 一句话核心贡献, split across messages: no site is \
                          published ([site] base_url), so there is no full report to link"
                .to_owned(),
        };
        if !send {
            lines.push(line(what, Ok(format!("variables set; sends {mode}"))));
            continue;
        }
        let sent = match &http {
            Ok(http) => {
                let delivery = Delivery {
                    channel,
                    env: &env,
                    http,
                    retry: RetryPolicy::sources(config),
                };
                let test = Briefing::test(ReportDate::today_utc(), site.as_ref());
                deliver(&delivery, &test)
                    .await
                    .map(|d| {
                        format!(
                            "test message sent ({} message(s)); sends {mode}",
                            d.messages
                        )
                    })
                    .map_err(|e| e.message)
            }
            Err(e) => Err(e.to_string()),
        };
        lines.push(line(what, sent));
    }
    lines
}

/// A line for the reader profiles and the embeddings endpoint they score with; `None` without
/// profiles.
pub async fn interests(services: &Services) -> Option<CheckLine> {
    let config = services.config();
    if config.interests.is_empty() {
        return None;
    }
    let what = format!("interests ({} profiles)", config.interests.len());
    Some(match services.embeddings() {
        None => CheckLine {
            what,
            status: Status::Warn,
            detail: "no [embeddings]: profiles score by keywords and authors only; set embeddings.base_url and embeddings.model to score by similarity to their libraries".into(),
        },
        Some(e) => line(
            what,
            e.check_model()
                .await
                .map(|()| format!("embeddings model {} at {}", e.model(), e.label()))
                .map_err(|err| err.to_string()),
        ),
    })
}
