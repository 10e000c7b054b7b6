//! The LLM backend: the one interface `summarize` talks to, whatever answers behind it — one
//! endpoint ([`LlmClient`]) today, a pool of endpoints or a batch file later, and a scripted fake
//! in the tests.

use futures::future::BoxFuture;

use crate::{ChatOutcome, ChatRequest, LlmClient, Message};

/// Something that answers chat completions.
pub trait LlmBackend: Send + Sync + std::fmt::Debug {
    /// Answers one request (retrying transient failures as the backend sees fit).
    fn chat<'a>(&'a self, request: &'a ChatRequest) -> BoxFuture<'a, ChatOutcome>;

    /// The server's own count of a conversation's prompt tokens, when it can say.
    fn count_tokens<'a>(
        &'a self,
        model: &'a str,
        messages: &'a [Message],
    ) -> BoxFuture<'a, Option<usize>> {
        let _ = (model, messages);
        Box::pin(async { None })
    }
}

impl LlmBackend for LlmClient {
    fn chat<'a>(&'a self, request: &'a ChatRequest) -> BoxFuture<'a, ChatOutcome> {
        Box::pin(LlmClient::chat(self, request))
    }

    fn count_tokens<'a>(
        &'a self,
        model: &'a str,
        messages: &'a [Message],
    ) -> BoxFuture<'a, Option<usize>> {
        Box::pin(LlmClient::count_tokens(self, model, messages))
    }
}
