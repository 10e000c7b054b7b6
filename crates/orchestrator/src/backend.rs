//! The LLM backend: the one interface `summarize` talks to, whatever answers behind it — one
//! endpoint ([`LlmClient`]) today, a pool of endpoints or a batch file later, and a scripted fake
//! in the tests.

use futures::future::BoxFuture;

pub use crate::llm::ChatOutcome;
use crate::llm::{ChatRequest, LlmClient};

/// Something that answers chat completions.
pub trait LlmBackend: Send + Sync + std::fmt::Debug {
    /// Answers one request (retrying transient failures as the backend sees fit).
    fn chat<'a>(&'a self, request: &'a ChatRequest) -> BoxFuture<'a, ChatOutcome>;
}

impl LlmBackend for LlmClient {
    fn chat<'a>(&'a self, request: &'a ChatRequest) -> BoxFuture<'a, ChatOutcome> {
        Box::pin(LlmClient::chat(self, request))
    }
}
