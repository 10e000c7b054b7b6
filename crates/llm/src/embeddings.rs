//! The client of an OpenAI-compatible `/v1/embeddings` endpoint (`[embeddings]`): texts in
//! batches of `embeddings.batch`, at most `embeddings.max_concurrency` requests in flight, each
//! retried like a chat request, the vectors returned in the texts' order. Setup checks that the
//! endpoint serves the model, as it does for the chat model.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures::StreamExt;
use paperbrief_core::Config;
use paperbrief_http::{ClientSettings, RetryPolicy, retry_after};
use serde_json::{Value, json};
use tokio::sync::Semaphore;

use crate::error::{HttpStatusError, LlmError, LlmErrorKind, from_status};

/// The embeddings client.
#[derive(Debug)]
pub struct EmbeddingsClient {
    http: reqwest::Client,
    base: String,
    label: String,
    model: String,
    key: Option<String>,
    batch: usize,
    slots: Arc<Semaphore>,
    retry: RetryPolicy,
    requests: AtomicU64,
}

impl EmbeddingsClient {
    /// The client `[embeddings]` describes, or `None` when it names no endpoint and model. The
    /// key: `embeddings.api_key_env`'s variable, else `api_key` (the chat endpoint's).
    pub fn from_config(config: &Config, api_key: Option<String>) -> Result<Option<Self>, LlmError> {
        let e = &config.embeddings;
        let Some((url, model)) = e.endpoint() else {
            return Ok(None);
        };
        let label = url.redacted().trim_end_matches('/').to_owned();
        let timeout = Duration::from_secs(config.llm.timeout_secs.get());
        let http = ClientSettings::from_config(config, timeout)
            .build()
            .map_err(|err| LlmError::new(LlmErrorKind::Fatal, &label, err.to_string()))?;
        let key = match &e.api_key_env {
            Some(var) => std::env::var(var).ok().filter(|k| !k.trim().is_empty()),
            None => api_key,
        };
        Ok(Some(Self {
            http,
            base: url.expose().trim_end_matches('/').to_owned(),
            label,
            model: model.to_owned(),
            key,
            batch: e.batch.get() as usize,
            slots: Arc::new(Semaphore::new(e.max_concurrency.get() as usize)),
            retry: RetryPolicy::llm(config),
            requests: AtomicU64::new(0),
        }))
    }

    /// The model.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// The base URL, any password hidden.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Requests sent so far (attempts included).
    pub fn requests_sent(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Whether the endpoint serves the model: `GET /models` must list it (a server without the
    /// endpoint is taken at its word). Its error names the URL and what it serves.
    pub async fn check_model(&self) -> Result<(), LlmError> {
        let url = format!("{}/models", self.label);
        let list: Value = self
            .retry
            .run("embeddings model list", || async {
                let response = self
                    .auth(self.http.get(format!("{}/models", self.base)))
                    .send()
                    .await
                    .map_err(|e| transport(&url, &e))?;
                self.read(&url, response).await
            })
            .await?;
        let served: Vec<String> = list["data"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| m["id"].as_str().map(str::to_owned))
            .collect();
        if served.is_empty() || served.iter().any(|s| s == &self.model) {
            return Ok(());
        }
        Err(LlmError::new(
            LlmErrorKind::Fatal,
            &url,
            format!(
                "embeddings model `{}` is not served; it serves: {}; set embeddings.model to one of them",
                self.model,
                served.join(", ")
            ),
        ))
    }

    /// The vectors of `texts`, in their order.
    pub async fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, LlmError> {
        let batches: Vec<&[String]> = texts.chunks(self.batch.max(1)).collect();
        let answers: Vec<Result<Vec<Vec<f32>>, LlmError>> = futures::stream::iter(batches)
            .map(|batch| self.embed_batch(batch))
            .buffered(self.slots.available_permits().max(1))
            .collect()
            .await;
        let mut out = Vec::with_capacity(texts.len());
        for answer in answers {
            out.extend(answer?);
        }
        Ok(out)
    }

    async fn embed_batch(&self, batch: &[String]) -> Result<Vec<Vec<f32>>, LlmError> {
        let url = format!("{}/embeddings", self.label);
        let body = json!({"model": self.model, "input": batch});
        let answer: Value = self
            .retry
            .run("embeddings", || async {
                let _slot = self.slots.acquire().await;
                self.requests.fetch_add(1, Ordering::Relaxed);
                let response = self
                    .auth(self.http.post(format!("{}/embeddings", self.base)))
                    .json(&body)
                    .send()
                    .await
                    .map_err(|e| transport(&url, &e))?;
                self.read(&url, response).await
            })
            .await?;
        let mut data: Vec<(usize, Vec<f32>)> = answer["data"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, d)| {
                let index = d["index"].as_u64().map_or(i, |x| x as usize);
                let v = d["embedding"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_f64)
                    .map(|x| x as f32)
                    .collect();
                (index, v)
            })
            .collect();
        data.sort_by_key(|(i, _)| *i);
        if data.len() != batch.len() || data.iter().any(|(_, v)| v.is_empty()) {
            return Err(LlmError::new(
                LlmErrorKind::Fatal,
                &url,
                format!(
                    "answered {} vectors for {} texts; is embeddings.model an embedding model?",
                    data.len(),
                    batch.len()
                ),
            ));
        }
        Ok(data.into_iter().map(|(_, v)| v).collect())
    }

    fn auth(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.key {
            Some(k) => request.bearer_auth(k),
            None => request,
        }
    }

    async fn read(&self, url: &str, response: reqwest::Response) -> Result<Value, LlmError> {
        let status = response.status().as_u16();
        let wait = retry_after(response.headers());
        let text = response.text().await.map_err(|e| {
            LlmError::new(LlmErrorKind::Unavailable, url, "the answer broke off")
                .with_source(e.without_url())
        })?;
        if !(200..300).contains(&status) {
            let mut err = from_status(
                url,
                &HttpStatusError {
                    status,
                    retry_after: wait,
                    body: text.chars().take(64 * 1024).collect(),
                },
            );
            if let Some(key) = &self.key {
                err.message = err.message.replace(key.as_str(), "***");
            }
            return Err(err);
        }
        serde_json::from_str(&text)
            .map_err(|e| LlmError::new(LlmErrorKind::Transient, url, format!("not JSON: {e}")))
    }
}

fn transport(url: &str, e: &reqwest::Error) -> LlmError {
    let kind = if e.is_connect() {
        LlmErrorKind::Unreachable
    } else {
        LlmErrorKind::Unavailable
    };
    LlmError::new(kind, url, format!("cannot reach it ({})", root(e)))
}

fn root(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}
