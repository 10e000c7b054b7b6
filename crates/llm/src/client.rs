//! The client of one OpenAI-compatible endpoint: built from `[llm]` (or one of
//! `[[llm.endpoints]]`), it sends chat completions through its [`Limits`] and the retry policy
//! and adapts its in-flight limit to the server's room.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_openai::Client;
use async_openai::config::OpenAIConfig;
use paperbrief_core::{Config, HttpUrl};
use paperbrief_http::{ClientSettings, RetryPolicy};
use serde_json::{Value, json};

use super::limits::{Limits, Rates};
use super::{ChatOutcome, ChatReply, ChatRequest, Concurrency, LlmError, LlmErrorKind, transport};
use crate::chat::{PLACEHOLDER_KEY, WireResponse, merge, reply};

/// The client.
#[derive(Debug)]
pub struct LlmClient {
    pub(super) client: Client<OpenAIConfig>,
    pub(super) http: reqwest::Client,
    pub(super) base_url: String,
    /// `base_url` with any password hidden: what logs, `check` and reports show.
    pub(super) label: String,
    pub(super) extra_body: Value,
    pub(super) retry: RetryPolicy,
    pub(super) limits: Limits,
    pub(super) requests: AtomicU64,
    /// The key, to keep it out of error messages that quote it.
    pub(super) secret: Option<String>,
    /// How long setup keeps trying an endpoint that refuses connections.
    pub(super) connect_wait: Duration,
}

impl LlmClient {
    /// A client for `[llm]`; the key comes from the environment (see
    /// [`crate::api_key_from_env`]). Fails only when the HTTP stack cannot start.
    pub fn new(config: &Config, api_key: Option<String>) -> Result<Self, LlmError> {
        let limits = Limits::from_config(config);
        Self::build(config, &config.llm.base_url, limits, api_key)
    }

    /// A client for one of several endpoints: its own in-flight limit (which tells `wake` when
    /// a slot frees), the run's shared rates.
    pub fn endpoint(
        config: &Config,
        base_url: &HttpUrl,
        in_flight: Concurrency,
        rates: Arc<Rates>,
        api_key: Option<String>,
    ) -> Result<Self, LlmError> {
        Self::build(config, base_url, Limits::new(in_flight, rates), api_key)
    }

    fn build(
        config: &Config,
        url: &HttpUrl,
        limits: Limits,
        api_key: Option<String>,
    ) -> Result<Self, LlmError> {
        let llm = &config.llm;
        let base_url = url.expose().trim_end_matches('/').to_owned();
        let label = url.redacted().trim_end_matches('/').to_owned();
        let fatal = |message: String| LlmError::new(LlmErrorKind::Fatal, label.clone(), message);
        let http = ClientSettings::from_config(config, Duration::from_secs(llm.timeout_secs.get()))
            .build()
            .map_err(|e| fatal(e.to_string()).with_source(e))?;
        let secret = api_key.filter(|k| !k.trim().is_empty());
        let openai = OpenAIConfig::new()
            .with_api_base(base_url.clone())
            .with_api_key(secret.clone().unwrap_or_else(|| PLACEHOLDER_KEY.to_owned()));
        let client = Client::build(http.clone(), openai).with_http_service(
            transport::StatusService::new(http.clone(), llm.max_response_bytes.get()),
        );
        let extra_body = serde_json::to_value(&llm.extra_body)
            .map_err(|e| fatal(format!("llm.extra_body cannot be sent as JSON: {e}")))?;
        Ok(Self {
            client,
            http,
            label,
            base_url,
            extra_body,
            retry: RetryPolicy::llm(config),
            limits,
            requests: AtomicU64::new(0),
            secret,
            connect_wait: Duration::from_secs(llm.connect_wait_secs),
        })
    }

    /// The base URL (with `/v1`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The base URL as shown in logs, `check` and reports: any password hidden.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Chat requests sent so far (attempts included).
    pub fn requests_sent(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// One chat completion with retries of transient failures; also says how many requests it
    /// took.
    pub async fn chat(&self, req: &ChatRequest) -> ChatOutcome {
        let body = self.body(req);
        let attempts = std::sync::atomic::AtomicU32::new(0);
        let busy = std::sync::Mutex::new(Duration::ZERO);
        let result = self
            .retry
            .run("chat completion", || async {
                attempts.fetch_add(1, Ordering::Relaxed);
                let _slot = self
                    .limits
                    .acquire(req.prompt_tokens + req.max_tokens as usize)
                    .await;
                let sent = std::time::Instant::now();
                let answer = self.send(&body).await;
                *busy
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) += sent.elapsed();
                answer
            })
            .await;
        ChatOutcome {
            result,
            attempts: attempts.into_inner(),
            busy: busy
                .into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        }
    }

    /// One request, no retry, no limits (the caller holds a slot): the answer, with the
    /// in-flight limit adapted to it.
    pub async fn send(&self, body: &Value) -> Result<ChatReply, LlmError> {
        let url = format!("{}/chat/completions", self.label);
        self.requests.fetch_add(1, Ordering::Relaxed);
        let answer = self
            .client
            .chat()
            .create_byot::<_, WireResponse>(body.clone())
            .await
            .map_err(|e| self.classify(&url, e))
            .and_then(|wire| reply(&url, wire))
            .map(|mut r| {
                r.endpoint = Some(self.label.clone());
                r
            });
        self.after(&answer);
        answer
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
    pub(super) fn classify(&self, url: &str, e: async_openai::error::OpenAIError) -> LlmError {
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
