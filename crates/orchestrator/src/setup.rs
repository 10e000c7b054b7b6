//! The model to ask and the context to plan for: resolved once per command from what the
//! server says about itself and what the configuration says.

use std::num::NonZeroU32;

use paperbrief_core::config::LlmConfig;

use crate::error::OrchestratorError;
use crate::llm::{LlmClient, LlmError, LlmErrorKind, ModelInfo};

/// The context assumed when neither the server nor the configuration says.
pub const FALLBACK_CONTEXT: u32 = 32_768;

/// The model to ask and its context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelSetup {
    /// The model name sent with every request.
    pub model: String,
    /// Its context in tokens.
    pub context: u32,
    /// Where the context came from, for the log and `prompt`.
    pub context_source: String,
}

impl ModelSetup {
    /// A setup for `model` when the server could not be asked (every brief is stored, or a
    /// dry run offline): the configured context, else the fallback.
    pub fn offline(model: String, configured: Option<NonZeroU32>) -> Self {
        let (context, context_source) = choose_context(None, configured);
        Self {
            model,
            context,
            context_source,
        }
    }
}

/// The model (`llm.model`, else the first the server lists) and its context: the smaller of
/// what the server gives (vLLM's `max_model_len`, llama.cpp's `n_ctx`) and `llm.max_model_len`;
/// either one alone; else [`FALLBACK_CONTEXT`], said so.
pub async fn resolve_model(
    llm: &LlmClient,
    config: &LlmConfig,
) -> Result<ModelSetup, OrchestratorError> {
    resolve_model_from(llm, config, llm.models().await).await
}

/// [`resolve_model`] from an already fetched model list.
pub async fn resolve_model_from(
    llm: &LlmClient,
    config: &LlmConfig,
    listed: Result<Vec<ModelInfo>, LlmError>,
) -> Result<ModelSetup, OrchestratorError> {
    let models = match listed {
        Ok(m) => m,
        // Some servers have no /v1/models; a configured model and context are enough.
        Err(e) if e.kind == LlmErrorKind::Fatal && config.model.is_some() => {
            tracing::warn!(target: "paperbrief::llm", "{e}; using llm.model as configured");
            Vec::new()
        }
        Err(e) => return Err(OrchestratorError::Endpoint(e)),
    };
    let model = match &config.model {
        Some(m) => m.clone(),
        None => models
            .first()
            .map(|m| m.id.clone())
            .ok_or_else(|| OrchestratorError::NoModel {
                url: format!("{}/models", llm.base_url()),
            })?,
    };
    let served = match models
        .iter()
        .find(|m| m.id == model)
        .and_then(|m| m.max_model_len)
    {
        Some(n) => Some((n, "the server's max_model_len")),
        None => llm
            .server_context()
            .await
            .map(|n| (n, "the server's n_ctx (/props)")),
    };
    let (context, context_source) = choose_context(served, config.max_model_len);
    Ok(ModelSetup {
        model,
        context,
        context_source,
    })
}

/// The context to plan for, and where it came from.
fn choose_context(
    served: Option<(u32, &'static str)>,
    configured: Option<NonZeroU32>,
) -> (u32, String) {
    match (served, configured.map(NonZeroU32::get)) {
        (Some((s, from)), Some(c)) if c < s => {
            (c, format!("llm.max_model_len (below {from}, {s})"))
        }
        (Some((s, from)), _) => (s, from.to_owned()),
        (None, Some(c)) => (c, "llm.max_model_len".to_owned()),
        (None, None) => (
            FALLBACK_CONTEXT,
            "an assumed default: the server did not say; set llm.max_model_len".to_owned(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_context_never_exceeds_what_the_server_gives() {
        let nz = NonZeroU32::new;
        assert_eq!(choose_context(Some((8192, "s")), nz(32768)).0, 8192);
        assert_eq!(choose_context(Some((32768, "s")), nz(8192)).0, 8192);
        assert_eq!(choose_context(None, nz(4096)).0, 4096);
        let (n, why) = choose_context(None, None);
        assert_eq!(n, FALLBACK_CONTEXT);
        assert!(why.contains("llm.max_model_len"), "{why}");
    }
}
