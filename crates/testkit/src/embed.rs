//! A stand-in `/v1/embeddings` endpoint: deterministic bag-of-words vectors (each word hashed
//! into one of 256 dimensions), so texts that share words are near and a text is nearest to
//! itself — what any embedding model gives. Every request is logged with its inputs.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Dimensions of the stand-in's vectors.
pub const DIMENSIONS: usize = 256;

/// The requests an embeddings stand-in received: each request's inputs.
#[derive(Debug, Clone, Default)]
pub struct EmbeddingsLog(Arc<Mutex<Vec<Vec<String>>>>);

impl EmbeddingsLog {
    /// Each request's inputs, in order.
    pub fn requests(&self) -> Vec<Vec<String>> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Texts embedded in all.
    pub fn texts(&self) -> usize {
        self.requests().iter().map(Vec::len).sum()
    }
}

/// The vector the stand-in gives `text`.
pub fn bag_of_words(text: &str) -> Vec<f32> {
    let mut v = vec![0.0f32; DIMENSIONS];
    let lower = text.to_lowercase();
    let words = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 2)
        .map(str::to_owned)
        .chain(lower.chars().filter(|c| !c.is_ascii()).map(String::from));
    for w in words {
        let h = w.bytes().fold(2166136261u32, |h, b| {
            (h ^ u32::from(b)).wrapping_mul(16777619)
        });
        v[h as usize % DIMENSIONS] += 1.0;
    }
    v
}

struct Embeddings {
    log: EmbeddingsLog,
    latency: Duration,
    model: String,
}

impl Respond for Embeddings {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap_or_default();
        if body["model"] != self.model.as_str() {
            return ResponseTemplate::new(404)
                .set_body_json(json!({"error": {"message": "model not found"}}));
        }
        let inputs: Vec<String> = match &body["input"] {
            serde_json::Value::String(s) => vec![s.clone()],
            other => other
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect(),
        };
        let data: Vec<serde_json::Value> = inputs
            .iter()
            .enumerate()
            .map(|(i, t)| json!({"object": "embedding", "index": i, "embedding": bag_of_words(t)}))
            .collect();
        self.log
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(inputs);
        ResponseTemplate::new(200)
            .set_body_json(json!({"object": "list", "data": data, "model": self.model,
                "usage": {"prompt_tokens": 1, "total_tokens": 1}}))
            .set_delay(self.latency)
    }
}

/// An embeddings endpoint serving `model` (its `/v1/models` lists it), answering after
/// `latency`; its base URL is `{uri}/v1`.
pub async fn embeddings_endpoint(model: &str, latency: Duration) -> (MockServer, EmbeddingsLog) {
    let server = MockServer::start().await;
    let log = EmbeddingsLog::default();
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"object": "list", "data": [{"id": model, "object": "model"}]}),
            ),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/embeddings"))
        .respond_with(Embeddings {
            log: log.clone(),
            latency,
            model: model.to_owned(),
        })
        .mount(&server)
        .await;
    (server, log)
}
