//! The chat vocabulary every part shares: a request, its messages, the reply and its usage,
//! the models a server lists, and the lenient reading of a completion's JSON.

use paperbrief_core::env_vars::{OPENAI_API_KEY, PAPERBRIEF_API_KEY};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{LlmError, LlmErrorKind};

/// The placeholder key sent when none is configured; vLLM without `--api-key` accepts it.
pub(crate) const PLACEHOLDER_KEY: &str = "EMPTY";

/// The API key from the environment: `PAPERBRIEF_API_KEY`, else `OPENAI_API_KEY`.
pub fn api_key_from_env() -> Option<String> {
    [PAPERBRIEF_API_KEY, OPENAI_API_KEY]
        .into_iter()
        .find_map(|v| std::env::var(v).ok().filter(|k| !k.trim().is_empty()))
}

/// Who speaks a chat message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The instructions.
    System,
    /// The request (the paper).
    User,
    /// The model's answer (in a repair turn).
    Assistant,
}

impl Role {
    /// As the API spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::System => "system",
            Self::User => "user",
            Self::Assistant => "assistant",
        }
    }
}

/// One chat message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// Who speaks.
    pub role: Role,
    /// The text.
    pub content: String,
}

impl Message {
    /// The instructions.
    pub fn system(content: impl Into<String>) -> Self {
        Self {
            role: Role::System,
            content: content.into(),
        }
    }

    /// The request.
    pub fn user(content: impl Into<String>) -> Self {
        Self {
            role: Role::User,
            content: content.into(),
        }
    }

    /// The model's earlier answer.
    pub fn assistant(content: impl Into<String>) -> Self {
        Self {
            role: Role::Assistant,
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
    /// The time its requests were with the server: from sending to the answer (or error),
    /// summed over attempts — waits for a slot, the rate limits and backoff left out.
    pub busy: std::time::Duration,
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
    /// The endpoint that answered (its base URL).
    pub endpoint: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct WireResponse {
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

pub(crate) fn reply(url: &str, wire: WireResponse) -> Result<ChatReply, LlmError> {
    let Some(choice) = wire.choices.into_iter().next() else {
        return Err(LlmError {
            kind: LlmErrorKind::Transient,
            url: url.to_owned(),
            message: "the reply has no choices".into(),
            retry_after: None,
            status: None,
            source: None,
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
        endpoint: None,
    })
}

/// Merges `extra` into `body`, objects recursively; `extra` wins.
pub(crate) fn merge(body: &mut Value, extra: &Value) {
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

/// Reads a chat completion's JSON body (as a Batch results file carries it) into its reply;
/// `url` names where it came from in the error.
pub fn reply_from_json(url: &str, body: &Value) -> Result<ChatReply, LlmError> {
    let wire: WireResponse = serde_json::from_value(body.clone()).map_err(|e| LlmError {
        kind: LlmErrorKind::Fatal,
        url: url.to_owned(),
        message: format!("the body is not a chat completion: {e}"),
        retry_after: None,
        status: None,
        source: None,
    })?;
    reply(url, wire)
}
