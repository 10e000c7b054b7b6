//! The OpenAI-compatible client (async-openai underneath): lists models, sends chat requests
//! through the [`Limits`] and the retry policy, and reads answers leniently (vLLM's and
//! llama.cpp's extra fields, `reasoning`/`reasoning_content`, unknown finish reasons).

mod concurrency;
mod error;
mod limits;
mod server;
mod transport;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_openai::Client;
use async_openai::config::OpenAIConfig;
use paperbrief_core::Config;
use paperbrief_core::env_vars::{OPENAI_API_KEY, PAPERBRIEF_API_KEY};
use paperbrief_fetch::RetryPolicy;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

pub use concurrency::Concurrency;
pub use error::{HttpStatusError, LlmError, LlmErrorKind, ResponseTooLarge};
pub use limits::Limits;
pub use server::ServerProps;

/// The placeholder key sent when none is configured; vLLM without `--api-key` accepts it.
const PLACEHOLDER_KEY: &str = "EMPTY";

/// The API key from the environment: `PAPERBRIEF_API_KEY`, else `OPENAI_API_KEY`.
pub fn api_key_from_env() -> Option<String> {
    [PAPERBRIEF_API_KEY, OPENAI_API_KEY]
        .into_iter()
        .find_map(|v| std::env::var(v).ok().filter(|k| !k.trim().is_empty()))
}

/// One chat message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// `system`, `user` or `assistant`.
    pub role: String,
    /// The text.
    pub content: String,
}

impl Message {
    /// A message with `role`.
    pub fn new(role: &str, content: impl Into<String>) -> Self {
        Self {
            role: role.to_owned(),
            content: content.into(),
        }
    }
}

/// What to ask.
#[derive(Debug, Clone)]
pub struct ChatRequest {
    /// The model.
    pub model: String,
    /// Sampling temperature.
    pub temperature: f64,
    /// The conversation.
    pub messages: Vec<Message>,
    /// Tokens the answer may use.
    pub max_tokens: u32,
    /// Our estimate of the prompt's tokens (for the tokens-per-minute limit).
    pub prompt_tokens: usize,
    /// `response_format`, when structured output is asked for.
    pub response_format: Option<Value>,
}

/// How one chat request ended, after the client's own retries.
#[derive(Debug, Clone)]
pub struct ChatOutcome {
    /// The answer, or the error that ended the retries.
    pub result: Result<ChatReply, LlmError>,
    /// HTTP requests it took (retries included).
    pub attempts: u32,
}

/// Token counts the server reported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// Prompt tokens.
    #[serde(default)]
    pub prompt_tokens: u32,
    /// Answer tokens.
    #[serde(default)]
    pub completion_tokens: u32,
}

/// The first choice of a completion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatReply {
    /// The answer text (never the reasoning).
    pub content: String,
    /// Separate reasoning, when the server split it out (not used as the answer).
    pub reasoning: Option<String>,
    /// Why the model stopped (`stop`, `length`, …), as the server said.
    pub finish_reason: Option<String>,
    /// Token counts, when reported.
    pub usage: Option<Usage>,
    /// The model that answered.
    pub model: Option<String>,
}

#[derive(Debug, Deserialize)]
struct WireResponse {
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    choices: Vec<WireChoice>,
    #[serde(default)]
    usage: Option<Usage>,
}

#[derive(Debug, Deserialize)]
struct WireChoice {
    #[serde(default)]
    message: Option<WireMessage>,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Debug, Deserialize)]
struct WireMessage {
    #[serde(default)]
    content: Option<String>,
    #[serde(default, alias = "reasoning_content")]
    reasoning: Option<String>,
}

/// A model the server serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelInfo {
    /// Its name.
    pub id: String,
    /// Other names it answers to (llama.cpp's `aliases`).
    pub aliases: Vec<String>,
    /// The whole context of the server's instance (llama.cpp's `meta.n_ctx`): the KV cache its
    /// slots share when each slot may use all of it.
    pub instance_context: Option<u32>,
    /// Its context, when the server says (vLLM does).
    pub max_model_len: Option<u32>,
}

/// The client.
#[derive(Debug)]
pub struct LlmClient {
    client: Client<OpenAIConfig>,
    http: reqwest::Client,
    base_url: String,
    extra_body: Value,
    retry: RetryPolicy,
    limits: Limits,
    requests: AtomicU64,
    /// The key, to keep it out of error messages that quote it.
    secret: Option<String>,
    /// How long setup keeps trying an endpoint that refuses connections.
    connect_wait: Duration,
}

impl LlmClient {
    /// A client for `[llm]`; the key comes from the environment (see [`api_key_from_env`]).
    /// Fails only when the HTTP stack cannot start.
    pub fn new(config: &Config, api_key: Option<String>) -> Result<Self, LlmError> {
        let llm = &config.llm;
        let base_url = llm.base_url.trim_end_matches('/').to_owned();
        let http = reqwest::Client::builder()
            .user_agent(config.user_agent())
            .timeout(Duration::from_secs(llm.timeout_secs.get()))
            .connect_timeout(Duration::from_secs(
                config.sources.connect_timeout_secs.get(),
            ))
            .build()
            .map_err(|e| LlmError {
                kind: LlmErrorKind::Fatal,
                url: base_url.clone(),
                message: format!("cannot build the HTTP client: {e}"),
                retry_after: None,
            })?;
        let secret = api_key.filter(|k| !k.trim().is_empty());
        let openai = OpenAIConfig::new()
            .with_api_base(base_url.clone())
            .with_api_key(secret.clone().unwrap_or_else(|| PLACEHOLDER_KEY.to_owned()));
        let client = Client::build(http.clone(), openai).with_http_service(
            transport::StatusService::new(http.clone(), llm.max_response_bytes.get()),
        );
        let extra_body = serde_json::to_value(&llm.extra_body).unwrap_or(Value::Null);
        Ok(Self {
            client,
            http,
            base_url,
            extra_body,
            retry: RetryPolicy {
                max_attempts: llm.max_attempts.get(),
                base_delay: Duration::from_millis(llm.retry_base_delay_ms),
                max_delay: Duration::from_secs(config.sources.retry_max_delay_secs),
            },
            limits: Limits::from_config(config),
            requests: AtomicU64::new(0),
            secret,
            connect_wait: Duration::from_secs(llm.connect_wait_secs),
        })
    }

    /// The base URL (with `/v1`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Chat requests sent so far (attempts included).
    pub fn requests_sent(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// One chat completion with retries of transient failures; also says how many requests it
    /// took.
    pub async fn chat(&self, req: &ChatRequest) -> ChatOutcome {
        let body = self.body(req);
        let url = format!("{}/chat/completions", self.base_url);
        let attempts = std::sync::atomic::AtomicU32::new(0);
        let result = self
            .retry
            .run("chat completion", || async {
                attempts.fetch_add(1, Ordering::Relaxed);
                let _slot = self
                    .limits
                    .acquire(req.prompt_tokens + req.max_tokens as usize)
                    .await;
                self.requests.fetch_add(1, Ordering::Relaxed);
                let answer = self
                    .client
                    .chat()
                    .create_byot::<_, WireResponse>(body.clone())
                    .await
                    .map_err(|e| self.classify(&url, e))
                    .and_then(|wire| reply(&url, wire));
                self.after(&answer);
                answer
            })
            .await;
        ChatOutcome {
            result,
            attempts: attempts.into_inner(),
        }
    }

    /// Adapts the in-flight limit: down when the server ran out of room, back up as it copes.
    fn after(&self, answer: &Result<ChatReply, LlmError>) {
        let concurrency = self.limits.concurrency();
        match answer {
            Ok(_) => concurrency.succeeded(),
            Err(e) if e.kind == LlmErrorKind::Capacity => {
                let now = concurrency.back_off();
                tracing::info!(target: "paperbrief::llm", "the server ran out of room for the requests in flight; at most {now} at once for a while");
            }
            Err(_) => {}
        }
    }

    /// The limits every request passes through.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Classifies a failed call; a server quoting the key back (some answer a 401 with "Incorrect
    /// API key provided: sk-…") never gets it into a message.
    fn classify(&self, url: &str, e: async_openai::error::OpenAIError) -> LlmError {
        let mut err = LlmError::classify(url, e);
        if let Some(key) = &self.secret {
            err.message = err.message.replace(key.as_str(), "***");
        }
        err
    }

    /// The exact body [`LlmClient::chat`] sends for `req`: `extra_body` merged in.
    pub fn body(&self, req: &ChatRequest) -> Value {
        let mut body = json!({
            "model": req.model,
            "messages": req.messages,
            "max_tokens": req.max_tokens,
            "temperature": req.temperature,
            "stream": false,
        });
        if let Some(format) = &req.response_format {
            body["response_format"] = format.clone();
        }
        merge(&mut body, &self.extra_body);
        body
    }
}

fn reply(url: &str, wire: WireResponse) -> Result<ChatReply, LlmError> {
    let Some(choice) = wire.choices.into_iter().next() else {
        return Err(LlmError {
            kind: LlmErrorKind::Transient,
            url: url.to_owned(),
            message: "the reply has no choices".into(),
            retry_after: None,
        });
    };
    let message = choice.message.unwrap_or(WireMessage {
        content: None,
        reasoning: None,
    });
    Ok(ChatReply {
        content: message.content.unwrap_or_default(),
        reasoning: message.reasoning,
        finish_reason: choice.finish_reason,
        usage: wire.usage,
        model: wire.model,
    })
}

/// Merges `extra` into `body`, objects recursively; `extra` wins.
fn merge(body: &mut Value, extra: &Value) {
    let (Some(target), Some(source)) = (body.as_object_mut(), extra.as_object()) else {
        return;
    };
    for (k, v) in source {
        match target.get_mut(k) {
            Some(existing) if existing.is_object() && v.is_object() => merge(existing, v),
            _ => {
                target.insert(k.clone(), v.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests;
