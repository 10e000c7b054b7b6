//! The model to ask and the room it gives, resolved once per command from what the server says
//! about itself — the models it serves, its context, llama.cpp's slots — and what the
//! configuration says; then the token estimate calibrated against the server's own count.

use std::num::NonZeroU32;

use paperbrief_core::config::LlmConfig;

use crate::error::OrchestratorError;
use paperbrief_llm::{LlmClient, LlmError, LlmErrorKind, ModelInfo};

/// The context assumed when neither the server nor the configuration says.
pub(crate) const FALLBACK_CONTEXT: u32 = 32_768;

/// The model to ask and the room it gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelSetup {
    /// The model name sent with every request.
    pub model: String,
    /// The context one request may use, in the server's tokens.
    pub context: u32,
    /// Where the context came from, for the log and `prompt`.
    pub context_source: ContextSource,
    /// Requests the server runs at once (llama.cpp's `total_slots`), when it says.
    pub slots: Option<u32>,
    /// The tokens of a KV cache the slots share (llama.cpp's `--kv-unified`), when they do.
    pub shared_cache: Option<u32>,
    /// The server's count of the prompt's fixed part against our estimate of it.
    pub calibration: Option<Calibration>,
}

/// Where the context a request may use came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContextSource {
    /// What the server says: the field it said it in (vLLM's `max_model_len`, llama.cpp's
    /// per-slot `n_ctx`).
    Server(&'static str),
    /// `llm.max_model_len`, below what the server gives.
    ConfiguredBelow {
        /// The server's field.
        field: &'static str,
        /// What the server gives.
        served: u32,
    },
    /// `llm.max_model_len`; the server did not say.
    Configured,
    /// Nobody said: [`FALLBACK_CONTEXT`].
    Assumed,
    /// The smallest context of several endpoints: that endpoint's own source.
    SmallestOf {
        /// Where that endpoint's context came from.
        source: Box<ContextSource>,
        /// That endpoint (its base URL without a password).
        endpoint: String,
    },
}

impl std::fmt::Display for ContextSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Server(field) => f.write_str(field),
            Self::ConfiguredBelow { field, served } => {
                write!(f, "llm.max_model_len (below {field}, {served})")
            }
            Self::Configured => f.write_str("llm.max_model_len"),
            Self::Assumed => {
                f.write_str("an assumed default: the server did not say; set llm.max_model_len")
            }
            Self::SmallestOf { source, endpoint } => {
                write!(f, "{source} of {endpoint} (the smallest of the endpoints')")
            }
        }
    }
}

/// How the server counts the fixed part of every prompt (instructions, template) against our
/// tiktoken estimate: the difference is taken from every budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calibration {
    /// The server's count.
    pub server: usize,
    /// Our estimate.
    pub estimate: usize,
}

impl Calibration {
    /// Tokens the server counts beyond our estimate.
    pub fn overhead(self) -> usize {
        self.server.saturating_sub(self.estimate)
    }
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
            slots: None,
            shared_cache: None,
            calibration: None,
        }
    }

    /// Requests that may run at once on this server: its slots, and when they share one KV
    /// cache, as many requests of `context` tokens as it holds (at least one).
    pub fn fitting_requests(&self) -> Option<u32> {
        let slots = self.slots?;
        Some(match self.shared_cache {
            Some(cache) => slots.min((cache / self.context.max(1)).max(1)),
            None => slots,
        })
    }

    /// Tokens every budget gives up for the server's way of counting.
    pub fn overhead(&self) -> usize {
        self.calibration.map_or(0, Calibration::overhead)
    }
}

/// The model (`llm.model`, which the server must serve, else the first it lists), its context
/// (the smaller of what the server gives — vLLM's `max_model_len`, llama.cpp's per-slot `n_ctx`
/// — and `llm.max_model_len`; either alone; else [`FALLBACK_CONTEXT`], said so) and its slots,
/// which cap the requests in flight.
pub(crate) async fn resolve_model(
    llm: &LlmClient,
    config: &LlmConfig,
) -> Result<ModelSetup, OrchestratorError> {
    resolve_model_from(llm, config, llm.models().await).await
}

/// [`resolve_model`] over several endpoints: the model (`llm.model`, else the first endpoint's
/// first) must be served by every one — an endpoint that does not serve it is a setup error
/// naming its URL and what it serves — and the context is the smallest they give.
pub(crate) async fn resolve_all(
    first: &LlmClient,
    rest: &[std::sync::Arc<LlmClient>],
    config: &LlmConfig,
) -> Result<ModelSetup, OrchestratorError> {
    let mut setup = resolve_model(first, config).await?;
    let pinned = LlmConfig {
        model: Some(setup.model.clone()),
        ..config.clone()
    };
    for client in rest {
        let other = resolve_model(client, &pinned).await?;
        if other.context < setup.context {
            setup.context = other.context;
            setup.context_source = ContextSource::SmallestOf {
                source: Box::new(other.context_source),
                endpoint: client.label().to_owned(),
            };
        }
        setup.slots = None;
    }
    Ok(setup)
}

/// [`resolve_model`] from an already fetched model list.
pub(crate) async fn resolve_model_from(
    llm: &LlmClient,
    config: &LlmConfig,
    listed: Result<Vec<ModelInfo>, LlmError>,
) -> Result<ModelSetup, OrchestratorError> {
    let models = match listed {
        Ok(m) => m,
        // Some servers have no /v1/models; a configured model and context are enough. A 404,
        // though, is a base URL that is not the API root: every request would fail alike.
        Err(e)
            if e.kind == LlmErrorKind::Fatal && config.model.is_some() && e.status != Some(404) =>
        {
            tracing::warn!(target: "paperbrief::llm", "{e}; using llm.model as configured");
            Vec::new()
        }
        Err(e) => return Err(OrchestratorError::Endpoint(e)),
    };
    let model = choose_model(llm, config, &models)?;
    let props = llm.server_props().await;
    let served = match models
        .iter()
        .find(|m| m.id == model)
        .and_then(|m| m.max_model_len)
    {
        Some(n) => Some((n, "the server's max_model_len")),
        None => props.map(|p| (p.slot_context, "the server's per-request n_ctx (/props)")),
    };
    let (context, context_source) = choose_context(served, config.max_model_len);
    let slots = props.and_then(|p| p.total_slots);
    // Each slot may use the whole instance context: the slots share one KV cache.
    let instance = models
        .iter()
        .find(|m| m.id == model)
        .and_then(|m| m.instance_context);
    let shared_cache = match (props, slots, instance) {
        (Some(p), Some(n), Some(total))
            if u64::from(n) * u64::from(p.slot_context) > u64::from(total) =>
        {
            Some(total)
        }
        _ => None,
    };
    let setup = ModelSetup {
        model,
        context,
        context_source,
        slots,
        shared_cache,
        calibration: None,
    };
    if let Some(n) = setup.fitting_requests() {
        llm.limits().concurrency().cap(n as usize);
    }
    Ok(setup)
}

/// `llm.model` when the server serves it (by name or alias), else the first model listed.
fn choose_model(
    llm: &LlmClient,
    config: &LlmConfig,
    models: &[ModelInfo],
) -> Result<String, OrchestratorError> {
    let url = format!("{}/models", llm.label());
    match &config.model {
        Some(m)
            if models.is_empty() || models.iter().any(|x| &x.id == m || x.aliases.contains(m)) =>
        {
            Ok(m.clone())
        }
        Some(m) => Err(OrchestratorError::ModelNotServed {
            model: m.clone(),
            url,
            served: models.iter().map(|x| x.id.clone()).collect(),
        }),
        None => models
            .first()
            .map(|m| m.id.clone())
            .ok_or(OrchestratorError::NoModel { url }),
    }
}

/// The context to plan for, and where it came from.
fn choose_context(
    served: Option<(u32, &'static str)>,
    configured: Option<NonZeroU32>,
) -> (u32, ContextSource) {
    match (served, configured.map(NonZeroU32::get)) {
        (Some((served, field)), Some(c)) if c < served => {
            (c, ContextSource::ConfiguredBelow { field, served })
        }
        (Some((s, field)), _) => (s, ContextSource::Server(field)),
        (None, Some(c)) => (c, ContextSource::Configured),
        (None, None) => (FALLBACK_CONTEXT, ContextSource::Assumed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_sharing_one_kv_cache_take_as_many_requests_as_it_holds() {
        let setup = |context, slots, shared_cache| ModelSetup {
            model: "m".into(),
            context,
            context_source: ContextSource::Assumed,
            slots,
            shared_cache,
            calibration: None,
        };
        assert_eq!(setup(8192, Some(4), None).fitting_requests(), Some(4));
        assert_eq!(setup(8192, Some(4), Some(8192)).fitting_requests(), Some(1));
        assert_eq!(setup(4096, Some(4), Some(8192)).fitting_requests(), Some(2));
        assert_eq!(setup(1024, Some(4), Some(8192)).fitting_requests(), Some(4));
        assert_eq!(setup(8192, None, None).fitting_requests(), None);
    }

    #[test]
    fn the_context_never_exceeds_what_the_server_gives() {
        let nz = NonZeroU32::new;
        assert_eq!(choose_context(Some((8192, "s")), nz(32768)).0, 8192);
        assert_eq!(choose_context(Some((32768, "s")), nz(8192)).0, 8192);
        assert_eq!(choose_context(None, nz(4096)).0, 4096);
        let (n, why) = choose_context(None, None);
        assert_eq!(n, FALLBACK_CONTEXT);
        assert_eq!(why, ContextSource::Assumed);
        assert!(why.to_string().contains("llm.max_model_len"), "{why}");
    }
}
