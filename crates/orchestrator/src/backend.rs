//! The LLM backend: the one interface `summarize` talks to, whatever answers behind it — one
//! endpoint ([`crate::llm::LlmClient`]) today, a pool of endpoints or a batch file later, and a
//! scripted fake in the tests.

use futures::future::BoxFuture;

use crate::llm::{ChatReply, ChatRequest, LlmError};

/// How one chat request ended, after the backend's own retries.
#[derive(Debug, Clone)]
pub struct ChatOutcome {
    /// The answer, or the error that ended the retries.
    pub result: Result<ChatReply, LlmError>,
    /// HTTP requests it took (retries included).
    pub attempts: u32,
}

/// Something that answers chat completions.
pub trait LlmBackend: Send + Sync + std::fmt::Debug {
    /// Answers one request (retrying transient failures as the backend sees fit).
    fn chat<'a>(&'a self, request: &'a ChatRequest) -> BoxFuture<'a, ChatOutcome>;
}
