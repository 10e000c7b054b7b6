//! The parts a command works with, built once from the configuration: the upstream clients,
//! the LLM client, the prompt planner, the store and the reports directory. Commands hand each
//! function below only the parts it needs.

use std::sync::Arc;

use paperbrief_core::{ArxivId, Config, HttpUrl, PaperRef};
use paperbrief_fetch::Sources;
use paperbrief_fetch::extract::AbstractInfo;
use paperbrief_report::ReportPaths;

use crate::error::OrchestratorError;
use crate::figures::Figures;
use crate::paper::{BriefKeys, Job, Worker};
use crate::planning::Planner;
use crate::planning::calibrate;
use crate::reading::Reader;
use crate::setup::{ModelSetup, resolve_all};
use crate::store::Store;
use crate::summarize::{AnswerSettings, Summarizer};
use paperbrief_llm::LlmBackend;
use paperbrief_llm::{ApiRoot, Concurrency, LlmClient, LlmError, Pool, Rates, check_api_root};

/// The model a run asks, or why it cannot and the name its stored briefs are keyed by.
#[derive(Debug)]
pub(crate) enum ModelChoice {
    /// Set up from the server.
    Ready(ModelSetup),
    /// The endpoint cannot be used; `llm.model` names the model.
    Unreachable(OrchestratorError, String),
}

impl ModelChoice {
    /// The model's name.
    pub(crate) fn name(&self) -> &str {
        match self {
            Self::Ready(setup) => &setup.model,
            Self::Unreachable(_, name) => name,
        }
    }
}

/// Everything a command needs, built from the configuration.
#[derive(Debug)]
pub struct Services {
    config: Config,
    sources: Sources,
    /// The first (or only) endpoint: calibration and request bodies.
    llm: Arc<LlmClient>,
    /// Every endpoint.
    clients: Vec<Arc<LlmClient>>,
    /// What `summarize` talks to: the one client, or the pool of them.
    backend: Arc<dyn LlmBackend>,
    planner: Planner,
    overview_template: Arc<paperbrief_prompt::Template>,
    embeddings: Option<Arc<paperbrief_llm::EmbeddingsClient>>,
    state_dir: std::path::PathBuf,
    store: Store,
    reports: ReportPaths,
}

impl Services {
    /// Builds the clients, loads the template and finds the cache; the API key comes from the
    /// environment.
    pub fn from_config(config: Config, api_key: Option<String>) -> Result<Self, OrchestratorError> {
        let store = Store::for_config(&config).ok_or(OrchestratorError::NoCacheDir)?;
        let sources = Sources::from_config(&config, true).map_err(OrchestratorError::Client)?;
        let embeddings = paperbrief_llm::EmbeddingsClient::from_config(&config, api_key.clone())
            .map_err(OrchestratorError::Endpoint)?
            .map(Arc::new);
        let (clients, backend) = backend(&config, api_key).map_err(OrchestratorError::Endpoint)?;
        Ok(Self {
            planner: Planner::from_config(&config)?,
            overview_template: Arc::new(crate::planning::load_overview_template(&config)?),
            reports: ReportPaths::new(&config.output.dir),
            state_dir: store.root().to_owned(),
            store,
            embeddings,
            llm: Arc::clone(&clients[0]),
            clients,
            backend,
            sources,
            config,
        })
    }

    /// [`Services::from_config`] after checking each endpoint's base URL once: an address of
    /// vLLM or llama.cpp written without `/v1` (`http://host:8000`) is corrected, and the log
    /// says so; a URL that is no OpenAI-compatible API root at all stops here, before any paper.
    pub async fn connect(
        mut config: Config,
        api_key: Option<String>,
    ) -> Result<Self, OrchestratorError> {
        let given: Vec<HttpUrl> = match config.llm.endpoints.as_slice() {
            [] => vec![config.llm.base_url.clone()],
            many => many.iter().map(|e| e.base_url.clone()).collect(),
        };
        for (i, url) in given.iter().enumerate() {
            let root = match check_api_root(&config, url).await {
                ApiRoot::AsGiven => continue,
                ApiRoot::NotFound => {
                    return Err(OrchestratorError::NotAnApiRoot {
                        url: url.redacted(),
                    });
                }
                ApiRoot::WithV1(root) => root,
            };
            tracing::warn!(target: "paperbrief::llm", "{} answers 404 for /models and {} serves the OpenAI API: using it (set llm.base_url to it to silence this)", url.redacted(), root.redacted());
            match config.llm.endpoints.get_mut(i) {
                Some(endpoint) => endpoint.base_url = root,
                None => config.llm.base_url = root,
            }
        }
        Self::from_config(config, api_key)
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

    /// The LLM client (the first endpoint's, when there are several).
    pub fn llm(&self) -> &Arc<LlmClient> {
        &self.llm
    }

    /// Every endpoint's client.
    pub fn endpoints(&self) -> &[Arc<LlmClient>] {
        &self.clients
    }

    /// Chat requests sent so far, over every endpoint.
    pub fn requests_sent(&self) -> u64 {
        self.clients.iter().map(|c| c.requests_sent()).sum()
    }

    /// Chat requests sent so far to each endpoint.
    pub fn requests_by_endpoint(&self) -> Vec<(String, u64)> {
        self.clients
            .iter()
            .map(|c| (c.label().to_owned(), c.requests_sent()))
            .collect()
    }

    /// The prompt planner.
    pub fn planner(&self) -> &Planner {
        &self.planner
    }

    /// The embeddings endpoint's client, when `[embeddings]` names one.
    pub(crate) fn embeddings(&self) -> Option<&Arc<paperbrief_llm::EmbeddingsClient>> {
        self.embeddings.as_ref()
    }

    /// The store's directory (`{cache}/state`), for the stages that keep files of their own.
    pub(crate) fn state_dir(&self) -> &std::path::Path {
        &self.state_dir
    }

    /// The 今日速览 template.
    pub(crate) fn overview_template(&self) -> &paperbrief_prompt::Template {
        &self.overview_template
    }

    /// The store of finished work.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The model and the room it gives, as the server describes itself, with the token estimate
    /// calibrated against the server's count.
    pub async fn setup_model(&self) -> Result<ModelSetup, OrchestratorError> {
        let mut setup = resolve_all(&self.llm, &self.clients[1..], &self.config.llm).await?;
        calibrate(&self.llm, &self.planner, &mut setup).await;
        Ok(setup)
    }

    /// The model to ask: set up from the server, or — when the endpoint cannot be used but
    /// `llm.model` names the model stored briefs are keyed by — that name, with the error kept
    /// for when some paper needs the model.
    pub(crate) async fn model_or_name(&self) -> Result<ModelChoice, OrchestratorError> {
        match self.setup_model().await {
            Ok(setup) => Ok(ModelChoice::Ready(setup)),
            Err(e) => match &self.config.llm.model {
                Some(name) => Ok(ModelChoice::Unreachable(e, name.clone())),
                None => Err(e),
            },
        }
    }

    /// The setup to plan requests with when none is sent yet (`run --dry-run`, `prompt`,
    /// `batch export`): the server's when it answers; else `llm.model` at the configured context
    /// (the log says so). Without `llm.model` either, a plan that must name the model
    /// (`named`: a batch file) fails with the server's error; one that is only shown (`prompt`,
    /// the dry run) leaves the body's model empty and says why.
    pub(crate) async fn planning_setup(
        &self,
        named: bool,
    ) -> Result<ModelSetup, OrchestratorError> {
        let (e, model) = match self.setup_model().await {
            Ok(setup) => return Ok(setup),
            Err(e) => match (&self.config.llm.model, named) {
                (Some(model), _) => (e, model.clone()),
                (None, true) => return Err(e),
                (None, false) => (e, String::new()),
            },
        };
        let setup = ModelSetup::offline(model, self.config.llm.max_model_len);
        let model = if setup.model.is_empty() {
            "no model (llm.model is not set: the request's model is empty)".to_owned()
        } else {
            format!("llm.model = {}", setup.model)
        };
        tracing::warn!(target: "paperbrief::run", "{e}; planning for {model} without the server, at a {}-token context ({})", setup.context, setup.context_source);
        Ok(setup)
    }

    /// A job per `(version, paper, hint)`: its key under `model`, and its stored brief unless
    /// `force`.
    pub(crate) async fn jobs(
        &self,
        work: impl IntoIterator<Item = (ArxivId, PaperRef, Option<AbstractInfo>)>,
        force: bool,
        model: &str,
    ) -> Vec<Job> {
        let keys = self.keys();
        let mut jobs = Vec::new();
        for (id, paper, hint) in work {
            let key = keys.key(&id, model);
            let stored = if force {
                None
            } else {
                self.store.brief(&key).await
            };
            jobs.push(Job {
                paper,
                id,
                key,
                stored,
                hint,
                fresh: force,
            });
        }
        jobs
    }

    /// The worker for `jobs`: an unreachable endpoint is fatal only when some job still needs
    /// the model.
    pub(crate) fn worker(
        &self,
        model: ModelChoice,
        jobs: &[Job],
    ) -> Result<Worker, OrchestratorError> {
        let todo = jobs.iter().filter(|j| j.stored.is_none()).count();
        let summarizer = match model {
            ModelChoice::Ready(setup) => {
                tracing::info!(target: "paperbrief::run", "model {} with a {}-token context (from {})", setup.model, setup.context, setup.context_source);
                Some(self.summarizer(setup))
            }
            ModelChoice::Unreachable(e, _) if todo > 0 => return Err(e),
            ModelChoice::Unreachable(e, _) => {
                tracing::warn!(target: "paperbrief::run", "{e}; every brief is stored, so nothing needs it");
                None
            }
        };
        Ok(Worker {
            reader: self.reader(),
            summarizer,
            store: self.store.clone(),
            figures: self.figures(),
        })
    }

    /// The key figures' fetcher (`[sources] figures`).
    pub(crate) fn figures(&self) -> Figures {
        Figures::new(
            self.sources.arxiv.clone(),
            self.store.clone(),
            self.config.sources.figures,
        )
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
            Arc::clone(&self.backend),
            self.planner.clone(),
            setup,
            AnswerSettings::from_config(&self.config),
        )
    }
}

/// Every endpoint's client, and the backend requests go through.
type Backend = (Vec<Arc<LlmClient>>, Arc<dyn LlmBackend>);

/// Every endpoint's client and the backend over them: the one client, or a pool when
/// `[[llm.endpoints]]` lists several (each with its own share and key, the rates shared).
fn backend(config: &Config, api_key: Option<String>) -> Result<Backend, LlmError> {
    let llm = &config.llm;
    if llm.endpoints.is_empty() {
        let client = Arc::new(LlmClient::new(config, api_key)?);
        return Ok((vec![Arc::clone(&client)], client));
    }
    let rates = Arc::new(Rates::from_config(config));
    let wake = Arc::new(tokio::sync::Notify::new());
    let mut clients = Vec::with_capacity(llm.endpoints.len());
    for e in &llm.endpoints {
        let key = e
            .api_key_env
            .as_deref()
            .and_then(|v| std::env::var(v).ok())
            .filter(|k| !k.trim().is_empty())
            .or_else(|| api_key.clone());
        let in_flight = Concurrency::with_wake(e.max_concurrency.get() as usize, Arc::clone(&wake));
        clients.push(Arc::new(LlmClient::endpoint(
            config,
            &e.base_url,
            in_flight,
            Arc::clone(&rates),
            key,
        )?));
    }
    let retry = paperbrief_http::RetryPolicy::llm(config);
    let pool = Arc::new(Pool::new(clients.clone(), rates, retry, wake));
    Ok((clients, pool))
}
