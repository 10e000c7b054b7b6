//! The parts a command works with, built once from the configuration: the upstream clients,
//! the LLM client, the prompt planner, the store and the reports directory. Commands hand each
//! function below only the parts it needs.

use std::sync::Arc;

use paperbrief_core::Config;
use paperbrief_fetch::{Sources, resolve_cache_dir};
use paperbrief_report::ReportPaths;

use crate::error::OrchestratorError;
use crate::llm::LlmClient;
use crate::paper::BriefKeys;
use crate::planning::Planner;
use crate::reading::Reader;
use crate::setup::{ModelSetup, calibrate, resolve_model};
use crate::store::Store;
use crate::summarize::{AnswerSettings, Summarizer};

/// Everything a command needs, built from the configuration.
#[derive(Debug)]
pub struct Services {
    config: Config,
    sources: Sources,
    llm: Arc<LlmClient>,
    planner: Planner,
    store: Store,
    reports: ReportPaths,
}

impl Services {
    /// Builds the clients, loads the template and finds the cache; the API key comes from the
    /// environment.
    pub fn from_config(config: Config, api_key: Option<String>) -> Result<Self, OrchestratorError> {
        let cache = resolve_cache_dir(&config).ok_or(OrchestratorError::NoCacheDir)?;
        let sources = Sources::from_config(&config, true).map_err(OrchestratorError::Client)?;
        let llm = LlmClient::new(&config, api_key).map_err(OrchestratorError::Endpoint)?;
        Ok(Self {
            planner: Planner::from_config(&config)?,
            reports: ReportPaths::new(&config.output.dir),
            store: Store::new(cache.join("state")),
            llm: Arc::new(llm),
            sources,
            config,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Where reports live.
    pub fn reports(&self) -> &ReportPaths {
        &self.reports
    }

    /// The HF and arXiv clients.
    pub fn sources(&self) -> &Sources {
        &self.sources
    }

    /// The LLM client.
    pub fn llm(&self) -> &Arc<LlmClient> {
        &self.llm
    }

    /// The prompt planner.
    pub fn planner(&self) -> &Planner {
        &self.planner
    }

    /// The store of finished work.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The model and the room it gives, as the server describes itself, with the token estimate
    /// calibrated against the server's count.
    pub async fn setup_model(&self) -> Result<ModelSetup, OrchestratorError> {
        let mut setup = resolve_model(&self.llm, &self.config.llm).await?;
        calibrate(&self.llm, &self.planner, &mut setup).await;
        Ok(setup)
    }

    pub(crate) fn reader(&self) -> Reader {
        Reader::new(
            self.sources.arxiv.clone(),
            self.store.clone(),
            self.config.run.fetch_concurrency.get() as usize,
        )
    }

    pub(crate) fn keys(&self) -> BriefKeys {
        BriefKeys::new(&self.config, self.planner.template().id())
    }

    pub(crate) fn summarizer(&self, setup: ModelSetup) -> Summarizer {
        Summarizer::new(
            Arc::clone(&self.llm) as Arc<dyn crate::backend::LlmBackend>,
            self.planner.clone(),
            setup,
            AnswerSettings::from_config(&self.config),
        )
    }
}
