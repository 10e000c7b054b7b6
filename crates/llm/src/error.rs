//! What an LLM call can fail with, classified for the retry policy.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use async_openai::error::OpenAIError;
use paperbrief_http::Transient;
use paperbrief_prompt::ContextOverflow;
use regex::Regex;
use serde::Deserialize;

/// A non-success HTTP answer, captured by the transport before async-openai reads it, so the
/// status, `Retry-After` and raw body survive (vLLM's integer `code` would otherwise make
/// async-openai lose the status).
#[derive(Debug, thiserror::Error)]
#[error("HTTP {status}: {}", first_line(body))]
pub struct HttpStatusError {
    /// The HTTP status.
    pub status: u16,
    /// The server's `Retry-After`.
    pub retry_after: Option<Duration>,
    /// The body (at most 64 KiB).
    pub body: String,
}

/// A successful answer whose body is larger than `llm.max_response_bytes`: refused while it
/// streamed in.
#[derive(Debug, thiserror::Error)]
#[error("the answer is larger than {limit} bytes (llm.max_response_bytes); refused")]
pub struct ResponseTooLarge {
    /// The configured limit.
    pub limit: u64,
}

fn first_line(body: &str) -> String {
    let line = body.lines().next().unwrap_or_default();
    line.chars().take(300).collect()
}

/// Why a call failed, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LlmErrorKind {
    /// The prompt was longer than the server's context (HTTP 400 naming the context).
    ContextTooLong(Option<ContextOverflow>),
    /// The server ran out of room while generating: the KV cache its slots share filled up
    /// (llama.cpp's 500 "Context size has been exceeded" without a prompt count). Retried with
    /// fewer requests in flight, never by cutting the prompt.
    Capacity,
    /// Worth retrying: 425/429 (too many requests), a reply that is not the JSON it should be,
    /// an answer over the size cap.
    Transient,
    /// The server is there but failing: 5xx, 408, a timeout, a connection that broke. Worth
    /// retrying; with several endpoints, this one is taken out of rotation for a while.
    Unavailable,
    /// The server could not be reached at all (connection refused, DNS, TLS).
    Unreachable,
    /// The key was refused (401/403).
    Unauthorized,
    /// Anything else: a 4xx the request will not survive.
    Fatal,
}

/// A failed LLM call: its classification, the URL and what the server said.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{url}: {message}")]
pub struct LlmError {
    /// Classification.
    pub kind: LlmErrorKind,
    /// The endpoint.
    pub url: String,
    /// What happened, for people.
    pub message: String,
    /// The server's `Retry-After`.
    pub retry_after: Option<Duration>,
    /// The HTTP status the server answered, when it answered one.
    pub status: Option<u16>,
    /// The error underneath (the transport's, the JSON parser's), when there is one.
    #[source]
    pub source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl Transient for LlmError {
    fn is_transient(&self) -> bool {
        matches!(
            self.kind,
            LlmErrorKind::Transient
                | LlmErrorKind::Unavailable
                | LlmErrorKind::Unreachable
                | LlmErrorKind::Capacity
        )
    }
    fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
}

impl LlmError {
    /// A failure of `kind` at `url`, with no status or source.
    pub fn new(kind: LlmErrorKind, url: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            kind,
            url: url.into(),
            message: message.into(),
            retry_after: None,
            status: None,
            source: None,
        }
    }

    /// The same failure, keeping the error underneath it (one that names no URL: a base URL
    /// may carry a password).
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self
    }

    /// Classifies what async-openai returned for a call to `url`.
    pub fn classify(url: &str, err: OpenAIError) -> Self {
        let make = |kind, message: String, retry_after| Self {
            kind,
            url: url.to_owned(),
            message,
            retry_after,
            status: None,
            source: None,
        };
        match err {
            OpenAIError::Boxed(boxed) => match boxed.downcast::<HttpStatusError>() {
                Ok(status) => from_status(url, &status),
                // A runaway answer is asked again, like any malformed one.
                Err(other) if other.is::<ResponseTooLarge>() => {
                    make(LlmErrorKind::Transient, other.to_string(), None)
                }
                Err(other) => make(LlmErrorKind::Fatal, other.to_string(), None),
            },
            OpenAIError::Reqwest(e) if e.is_connect() => make(
                LlmErrorKind::Unreachable,
                format!(
                    "cannot connect ({}); is the server running and llm.base_url right?",
                    root_cause(&e)
                ),
                // The message names the root cause already: no source to print twice.
                None,
            ),
            OpenAIError::Reqwest(e) if e.is_timeout() => make(
                LlmErrorKind::Unavailable,
                format!("timed out (llm.timeout_secs): {e}"),
                None,
            )
            .with_source(e.without_url()),
            OpenAIError::Reqwest(e) => make(
                LlmErrorKind::Unavailable,
                format!("transport error: {e}"),
                None,
            )
            .with_source(e.without_url()),
            OpenAIError::JSONDeserialize(e, body) => make(
                LlmErrorKind::Transient,
                format!(
                    "the reply is not a chat completion ({e}): {}",
                    first_line(&body)
                ),
                None,
            )
            .with_source(e),
            OpenAIError::StreamError(e) => make(LlmErrorKind::Transient, e.to_string(), None),
            other => make(LlmErrorKind::Fatal, other.to_string(), None),
        }
    }
}

/// The innermost cause of an error ("Connection refused (os error 111)"), without the URL the
/// outer layers repeat.
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// The error object servers send: `{"error": {...}}` (OpenAI, new vLLM, llama.cpp) or the
/// fields at the top level (older vLLM).
#[derive(Debug, Deserialize)]
struct Envelope {
    error: Option<Body>,
    #[serde(flatten)]
    top: Body,
}

#[derive(Debug, Default, Deserialize)]
struct Body {
    #[serde(default)]
    message: Option<String>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    code: Option<serde_json::Value>,
    /// llama.cpp's overflow fields.
    #[serde(default)]
    n_prompt_tokens: Option<usize>,
    #[serde(default)]
    n_ctx: Option<usize>,
}

pub(crate) fn from_status(url: &str, e: &HttpStatusError) -> LlmError {
    let parsed: Option<Body> = serde_json::from_str::<Envelope>(&e.body)
        .ok()
        .map(|env| env.error.unwrap_or(env.top));
    let body = parsed.unwrap_or_default();
    let message = body.message.clone().unwrap_or_else(|| first_line(&e.body));
    let kind = match e.status {
        400 | 413 if is_context_overflow(&body, &message) => {
            LlmErrorKind::ContextTooLong(overflow(&body, &message))
        }
        // llama.cpp answers 500 "Context size has been exceeded" when the KV cache its slots
        // share fills up while generating: a capacity failure, unless it counted the prompt.
        500 if is_context_overflow(&body, &message) => match overflow(&body, &message) {
            Some(o) => LlmErrorKind::ContextTooLong(Some(o)),
            None => LlmErrorKind::Capacity,
        },
        425 | 429 => LlmErrorKind::Transient,
        408 | 500..=599 => LlmErrorKind::Unavailable,
        401 | 403 => LlmErrorKind::Unauthorized,
        _ => LlmErrorKind::Fatal,
    };
    let hint = match kind {
        LlmErrorKind::Unauthorized => {
            "; set PAPERBRIEF_API_KEY (or OPENAI_API_KEY) to the server's key"
        }
        LlmErrorKind::Fatal if e.status == 404 => {
            "; check llm.base_url (it must end in /v1) and llm.model"
        }
        _ => "",
    };
    LlmError {
        kind,
        url: url.to_owned(),
        message: format!("HTTP {}: {message}{hint}", e.status),
        retry_after: e.retry_after,
        status: Some(e.status),
        source: None,
    }
}

/// A context-length rejection: by its type or code where the server gives one, else by the
/// wording every known server uses ("maximum context length", "context size", "context length").
fn is_context_overflow(body: &Body, message: &str) -> bool {
    let typed = body
        .kind
        .as_deref()
        .is_some_and(|t| t == "exceed_context_size_error" || t == "context_length_exceeded")
        || body.code.as_ref().and_then(|c| c.as_str()) == Some("context_length_exceeded")
        || body.n_ctx.is_some();
    let m = message.to_ascii_lowercase();
    typed
        || ["maximum context length", "context size", "context length"]
            .iter()
            .any(|k| m.contains(k))
}

#[allow(clippy::expect_used)]
static VLLM_LIMIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"maximum context length is (\d+) tokens").expect("static regex"));
#[allow(clippy::expect_used)]
static PROMPT_TOKENS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\d+) (?:tokens )?in the messages").expect("static regex"));
#[allow(clippy::expect_used)]
static REQUESTED_TOKENS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"requested (\d+) tokens|request \((\d+) tokens\)").expect("static regex")
});
#[allow(clippy::expect_used)]
static LLAMA_LIMIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"available context size \((\d+) tokens\)").expect("static regex"));

/// The server's limit and its count of the prompt, when it says them.
fn overflow(body: &Body, message: &str) -> Option<ContextOverflow> {
    if let (Some(requested), Some(limit)) = (body.n_prompt_tokens, body.n_ctx) {
        return Some(ContextOverflow { limit, requested });
    }
    let num = |re: &Regex| -> Option<usize> {
        re.captures(message)?
            .iter()
            .skip(1)
            .flatten()
            .next()?
            .as_str()
            .parse()
            .ok()
    };
    let limit = num(&VLLM_LIMIT).or_else(|| num(&LLAMA_LIMIT))?;
    // The prompt's count when the server gives it, else the whole request's (conservative).
    let requested = num(&PROMPT_TOKENS).or_else(|| num(&REQUESTED_TOKENS))?;
    Some(ContextOverflow { limit, requested })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(status: u16, body: &str) -> LlmError {
        from_status(
            "http://x/v1/chat/completions",
            &HttpStatusError {
                status,
                retry_after: None,
                body: body.into(),
            },
        )
    }

    #[test]
    fn vllm_and_llama_cpp_overflows_are_recognised_with_their_numbers() {
        let vllm = status(
            400,
            r#"{"error":{"message":"This model's maximum context length is 8192 tokens. However, you requested 9000 tokens (8000 in the messages, 1000 in the completion).","type":"BadRequestError","param":null,"code":400}}"#,
        );
        assert_eq!(
            vllm.kind,
            LlmErrorKind::ContextTooLong(Some(ContextOverflow {
                limit: 8192,
                requested: 8000
            }))
        );
        let old_vllm = status(
            400,
            r#"{"object":"error","message":"This model's maximum context length is 4096 tokens. However, you requested 5000 tokens in the messages","code":400}"#,
        );
        assert_eq!(
            old_vllm.kind,
            LlmErrorKind::ContextTooLong(Some(ContextOverflow {
                limit: 4096,
                requested: 5000
            }))
        );
        let llama = status(
            400,
            r#"{"error":{"code":400,"message":"request (22944 tokens) exceeds the available context size (8192 tokens), try increasing it","type":"exceed_context_size_error","n_prompt_tokens":22944,"n_ctx":8192}}"#,
        );
        assert_eq!(
            llama.kind,
            LlmErrorKind::ContextTooLong(Some(ContextOverflow {
                limit: 8192,
                requested: 22944
            }))
        );
        let openai = status(
            400,
            r#"{"error":{"message":"too long","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}"#,
        );
        assert_eq!(openai.kind, LlmErrorKind::ContextTooLong(None));
    }

    #[test]
    fn a_full_kv_cache_is_a_capacity_failure_and_a_counted_overflow_is_not() {
        let full = status(
            500,
            r#"{"error":{"code":500,"message":"Context size has been exceeded.","type":"server_error"}}"#,
        );
        assert_eq!(full.kind, LlmErrorKind::Capacity);
        assert!(Transient::is_transient(&full));
        let counted = status(
            500,
            r#"{"error":{"code":500,"message":"Context size has been exceeded.","n_prompt_tokens":9000,"n_ctx":8192}}"#,
        );
        assert!(matches!(
            counted.kind,
            LlmErrorKind::ContextTooLong(Some(_))
        ));
    }

    #[test]
    fn statuses_are_classified() {
        assert_eq!(status(429, "{}").kind, LlmErrorKind::Transient);
        assert_eq!(
            status(
                503,
                r#"{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}"#
            )
            .kind,
            LlmErrorKind::Unavailable
        );
        assert_eq!(status(401, "{}").kind, LlmErrorKind::Unauthorized);
        let nf = status(
            404,
            r#"{"error":{"message":"The model `x` does not exist.","code":404}}"#,
        );
        assert_eq!(nf.kind, LlmErrorKind::Fatal);
        assert!(
            nf.to_string().contains("The model `x` does not exist.")
                && nf.to_string().contains("llm.base_url")
        );
        assert_eq!(
            status(400, r#"{"error":{"message":"bad temperature","code":400}}"#).kind,
            LlmErrorKind::Fatal
        );
    }
}
