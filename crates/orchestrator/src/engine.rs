//! Everything a command needs, built once from the configuration and shared by all papers.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use paperbrief_core::Config;
use paperbrief_fetch::{Sources, resolve_cache_dir};
use paperbrief_prompt::Template;

use crate::error::OrchestratorError;
use crate::llm::{LlmClient, LlmErrorKind};
use crate::store::Store;

/// The context assumed when neither the configuration nor the server says.
pub const FALLBACK_CONTEXT: u32 = 32_768;

/// The model to ask and its context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelSetup {
    /// The model name sent with every request.
    pub model: String,
    /// Its context in tokens.
    pub context: u32,
    /// Where the context came from, for the log.
    pub context_source: &'static str,
}

/// Shared, cheaply cloned state.
#[derive(Debug, Clone)]
pub struct Engine(Arc<Inner>);

/// What [`Engine`] holds.
#[derive(Debug)]
pub struct Inner {
    /// The configuration.
    pub config: Config,
    /// HF and arXiv clients.
    pub sources: Sources,
    /// The LLM client.
    pub llm: LlmClient,
    /// The prompt template.
    pub template: Template,
    /// Stored stages.
    pub store: Store,
    /// Where reports go.
    pub output_dir: PathBuf,
}

impl std::ops::Deref for Engine {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl Engine {
    /// Builds the clients, loads the template and finds the cache; the API key comes from
    /// the environment.
    pub fn new(config: Config, api_key: Option<String>) -> Result<Self, OrchestratorError> {
        let cache = resolve_cache_dir(&config).ok_or_else(|| {
            OrchestratorError::Setup("no cache directory: set [cache] dir (or --cache-dir)".into())
        })?;
        let sources = Sources::from_config(&config, true)
            .map_err(|e| OrchestratorError::Setup(e.to_string()))?;
        let llm = LlmClient::new(&config, api_key)?;
        let template = load_template(&config)?;
        Ok(Self(Arc::new(Inner {
            output_dir: PathBuf::from(&config.output.dir),
            store: Store::new(cache.join("state")),
            sources,
            llm,
            template,
            config,
        })))
    }

    /// The report files for a day: `{output.dir}/{date}.md` and `.json`.
    pub fn report_paths(&self, date: paperbrief_core::ReportDate) -> (PathBuf, PathBuf) {
        (
            self.output_dir.join(format!("{date}.md")),
            self.output_dir.join(format!("{date}.json")),
        )
    }

    /// The model (`llm.model`, else the first the server lists) and its context
    /// (`llm.max_model_len`, else vLLM's `max_model_len`, else llama.cpp's `n_ctx`, else
    /// [`FALLBACK_CONTEXT`]).
    pub async fn resolve_model(&self) -> Result<ModelSetup, OrchestratorError> {
        self.resolve_model_from(self.llm.models().await).await
    }

    /// [`Engine::resolve_model`] from an already fetched model list.
    pub async fn resolve_model_from(
        &self,
        listed: Result<Vec<crate::llm::ModelInfo>, crate::llm::LlmError>,
    ) -> Result<ModelSetup, OrchestratorError> {
        let llm = &self.config.llm;
        let models = match listed {
            Ok(m) => m,
            // Some servers have no /v1/models; a configured model and context are enough.
            Err(e) if e.kind == LlmErrorKind::Fatal && !llm.model.is_empty() => {
                tracing::warn!(target: "paperbrief::llm", "{e}; using llm.model as configured");
                Vec::new()
            }
            Err(e) => return Err(OrchestratorError::Endpoint(e)),
        };
        let model = if llm.model.is_empty() {
            models
                .first()
                .map(|m| m.id.clone())
                .ok_or_else(|| OrchestratorError::NoModel {
                    url: format!("{}/models", self.llm.base_url()),
                })?
        } else {
            llm.model.clone()
        };
        if llm.max_model_len > 0 {
            return Ok(ModelSetup {
                model,
                context: llm.max_model_len,
                context_source: "llm.max_model_len",
            });
        }
        if let Some(n) = models
            .iter()
            .find(|m| m.id == model)
            .and_then(|m| m.max_model_len)
        {
            return Ok(ModelSetup {
                model,
                context: n,
                context_source: "the server's max_model_len",
            });
        }
        if let Some(n) = self.llm.server_context().await {
            return Ok(ModelSetup {
                model,
                context: n,
                context_source: "the server's n_ctx (/props)",
            });
        }
        Ok(ModelSetup {
            model,
            context: FALLBACK_CONTEXT,
            context_source: "the default (set llm.max_model_len)",
        })
    }
}

/// The template `[prompt]` names: built in, or `{dir}/{template}` read from disk.
pub fn load_template(config: &Config) -> Result<Template, OrchestratorError> {
    if config.prompt.dir.trim().is_empty() {
        return Ok(Template::builtin());
    }
    let path = Path::new(&config.prompt.dir).join(&config.prompt.template);
    let source = std::fs::read_to_string(&path).map_err(|e| OrchestratorError::Io {
        path: path.clone(),
        message: format!("cannot read the prompt template (prompt.dir / prompt.template): {e}"),
    })?;
    Ok(Template::from_source(&config.prompt.template, &source)?)
}
