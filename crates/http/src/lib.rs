//! paperbrief's HTTP plumbing, shared by every crate that talks to a server (fetch, llm,
//! notify).
//!
//! Role: the one place where an HTTP client is built and where failures are classified and
//! retried. Inputs: the configuration's timeouts and User-Agent ([`ClientSettings`]) and its
//! retry settings ([`RetryPolicy`]). Outputs: a [`reqwest::Client`], a retrying runner for any
//! operation whose error says whether it is [`Transient`], the `Retry-After` of an answer
//! ([`retry_after`]), and rate gates on tokio's clock ([`pace`]).

mod client;
mod error;
pub mod pace;
mod retry;

pub use client::{ClientSettings, retry_after};
pub use error::HttpError;
pub use retry::{RetryPolicy, Transient};
