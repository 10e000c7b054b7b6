//! paperbrief's LLM stage: the OpenAI-compatible client and everything that paces it.
//!
//! Role: answer chat completions for the orchestrator, whatever server is behind the base URL
//! (vLLM, llama.cpp, a hosted API). Inputs: the `[llm]` configuration and [`ChatRequest`]s.
//! Outputs: [`ChatOutcome`]s (the reply, or a classified [`LlmError`], with the attempts it
//! took), what the server says about itself ([`ServerProps`], [`ModelInfo`]), its token counts,
//! and the OpenAI Batch API's files and batches.
//!
//! Parts: [`LlmClient`] (async-openai underneath, one endpoint) sends through its [`Limits`]
//! (requests in flight, requests and tokens per minute) and the retry policy; [`Pool`] spreads
//! requests over several endpoints with failover; [`Concurrency`] grows and shrinks the requests
//! in flight (AIMD) when a server runs out of KV cache; [`LlmBackend`] is the one interface the
//! summarizer talks to (a scripted fake in tests).

mod api_root;
mod backend;
mod batch_api;
mod chat;
mod client;
mod concurrency;
mod embeddings;
mod error;
mod limits;
mod pool;
mod server;
mod transport;

pub use api_root::{ApiRoot, check_api_root};
pub use backend::LlmBackend;
pub use chat::{
    ChatOutcome, ChatReply, ChatRequest, Message, ModelInfo, Role, Usage, api_key_from_env,
    reply_from_json,
};
pub use client::LlmClient;
pub use concurrency::Concurrency;
pub use embeddings::EmbeddingsClient;
pub use error::{HttpStatusError, LlmError, LlmErrorKind, ResponseTooLarge};
pub use limits::{Limits, Rates};
pub use pool::Pool;
pub use server::ServerProps;

#[cfg(test)]
mod tests;
