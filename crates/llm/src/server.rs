//! What the server says about itself, asked once at setup: the models it serves (`/v1/models`),
//! llama.cpp's slots and per-slot context (`/props`), and its own token counts (`/tokenize`, as
//! vLLM and llama.cpp offer it) to calibrate paperbrief's estimate.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::{LlmClient, LlmError, LlmErrorKind, Message, ModelInfo};
use paperbrief_http::Transient;

/// llama.cpp's description of its slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerProps {
    /// The context each request may use (`default_generation_settings.n_ctx`).
    pub slot_context: u32,
    /// Requests the server runs at once (`total_slots`).
    pub total_slots: Option<u32>,
}

/// A setup error that stops being retried once the endpoint has refused connections for longer
/// than `llm.connect_wait_secs`: a dead endpoint fails in seconds, a loading one is waited for.
struct Setup {
    err: LlmError,
    give_up: bool,
}

impl std::fmt::Display for Setup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.err.fmt(f)
    }
}

impl Transient for Setup {
    fn is_transient(&self) -> bool {
        !self.give_up && self.err.is_transient()
    }
    fn retry_after(&self) -> Option<Duration> {
        self.err.retry_after
    }
}

impl LlmClient {
    /// `GET /v1/models`: 503s while a model loads are retried like any call; refused
    /// connections only for `llm.connect_wait_secs`.
    pub async fn models(&self) -> Result<Vec<ModelInfo>, LlmError> {
        let url = format!("{}/models", self.label);
        let started = Instant::now();
        let list: Value = self
            .retry
            .run("model list", || async {
                self.client
                    .models()
                    .list_byot::<Value>()
                    .await
                    .map_err(|e| {
                        let err = self.classify(&url, e);
                        Setup {
                            give_up: err.kind == LlmErrorKind::Unreachable
                                && started.elapsed() >= self.connect_wait,
                            err,
                        }
                    })
            })
            .await
            .map_err(|s| s.err)?;
        let data = list
            .get("data")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        Ok(data.iter().filter_map(model_info).collect())
    }

    /// llama.cpp's slots and per-slot context (`GET /props`, outside `/v1`); `None` from other
    /// servers.
    pub async fn server_props(&self) -> Option<ServerProps> {
        let props: Value = self
            .http
            .get(format!("{}/props", self.origin()))
            .send()
            .await
            .ok()?
            .json()
            .await
            .ok()?;
        let n = props
            .pointer("/default_generation_settings/n_ctx")
            .or_else(|| props.get("n_ctx"))
            .and_then(Value::as_u64)?;
        Some(ServerProps {
            slot_context: u32::try_from(n).ok()?,
            total_slots: props
                .get("total_slots")
                .and_then(Value::as_u64)
                .and_then(|n| u32::try_from(n).ok()),
        })
    }

    /// The server's own count of a conversation's prompt tokens, chat template included: vLLM's
    /// `/tokenize` takes the messages; llama.cpp's takes text, so its `/apply-template` renders
    /// them first. `None` when the server offers neither.
    pub async fn count_tokens(&self, model: &str, messages: &[Message]) -> Option<usize> {
        let origin = self.origin();
        let vllm: Value = self
            .post(
                &format!("{origin}/tokenize"),
                &json!({"model": model, "messages": messages}),
            )
            .await?;
        if let Some(n) = vllm.get("count").and_then(Value::as_u64) {
            return usize::try_from(n).ok();
        }
        let rendered: Value = self
            .post(
                &format!("{origin}/apply-template"),
                &json!({"messages": messages}),
            )
            .await?;
        let prompt = rendered.get("prompt")?.as_str()?;
        let tokens: Value = self
            .post(
                &format!("{origin}/tokenize"),
                &json!({"content": prompt, "add_special": true, "parse_special": true}),
            )
            .await?;
        Some(tokens.get("tokens")?.as_array()?.len())
    }

    async fn post(&self, url: &str, body: &Value) -> Option<Value> {
        let response = self.http.post(url).json(body).send().await.ok()?;
        if !response.status().is_success() {
            return None;
        }
        response.json().await.ok()
    }

    /// The server's root: the base URL without `/v1` (where `/props` and `/tokenize` live).
    fn origin(&self) -> &str {
        self.base_url.strip_suffix("/v1").unwrap_or(&self.base_url)
    }
}

fn model_info(m: &Value) -> Option<ModelInfo> {
    let id = m.get("id")?.as_str()?.to_owned();
    let mut aliases: Vec<String> = m
        .get("aliases")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    aliases.retain(|a| a != &id);
    Some(ModelInfo {
        id,
        aliases,
        instance_context: m
            .pointer("/meta/n_ctx")
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok()),
        max_model_len: m
            .get("max_model_len")
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok()),
    })
}
