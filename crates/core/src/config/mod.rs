//! The configuration: typed sections, and the layering that builds them.
//!
//! Layers, lowest first: the embedded `config/default.toml` → a config file → environment
//! variables → command-line flags. Every layer is checked against the keys of the defaults as it
//! is applied, so an unknown key or a value of the wrong type is an error naming the key and the
//! layer it came from. This module does no IO: the caller reads files and the environment.

use std::num::{NonZeroU32, NonZeroU64};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use toml::Table;

use crate::error::CoreError;
use crate::http_url::HttpUrl;

mod interests;
mod notify;
mod sentinel;

pub use interests::{EmbeddingsConfig, Profile, ZoteroSource};
pub use notify::{
    ChannelKind, Common, EmailChannel, EnvVar, EnvVarError, Hook, NotifyChannel, SignedHook,
    TelegramBot,
};

/// The embedded defaults; every key paperbrief knows is in this file, documented.
pub const DEFAULT_TOML: &str = include_str!("../../../../config/default.toml");

/// The resolved configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Channels each finished day is pushed to.
    pub notify: Vec<NotifyChannel>,
    /// Reader profiles.
    pub interests: Vec<Profile>,
    /// The embeddings endpoint profiles score with.
    pub embeddings: EmbeddingsConfig,
    /// Upstream sources: HF and arXiv.
    pub sources: SourcesConfig,
    /// The on-disk cache of fetched pages.
    pub cache: CacheConfig,
    /// Where reports go.
    pub output: OutputConfig,
    /// The OpenAI-compatible endpoint.
    pub llm: LlmConfig,
    /// The run: concurrency of the pipeline.
    pub run: RunConfig,
    /// The prompt template and token budget.
    pub prompt: PromptConfig,
    /// The static site.
    pub site: SiteConfig,
    /// 今日速览: themes, picks, tags and Chinese titles across the day's briefs.
    pub overview: OverviewConfig,
}

/// `[sources]`: see `config/default.toml` for each key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct SourcesConfig {
    pub hf_endpoint: HttpUrl,
    pub arxiv_base: HttpUrl,
    pub arxiv_api_base: HttpUrl,
    pub user_agent: String,
    pub arxiv_min_interval_ms: u64,
    pub max_page_bytes: NonZeroU64,
    pub timeout_secs: NonZeroU64,
    pub connect_timeout_secs: NonZeroU64,
    pub max_attempts: NonZeroU32,
    pub retry_base_delay_ms: u64,
    pub retry_max_delay_secs: u64,
    pub hf_page_size: u32,
    pub arxiv_api_batch: u32,
    pub figures: bool,
    pub max_figure_bytes: NonZeroU64,
}

/// `[cache]`: see `config/default.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct CacheConfig {
    /// `""` in TOML: the platform's cache directory.
    #[serde(with = "sentinel::empty_path")]
    pub dir: Option<PathBuf>,
    pub negative_ttl_hours: u64,
}

/// `[output]`: see `config/default.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct OutputConfig {
    pub dir: String,
}

/// `[llm]`: see `config/default.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct LlmConfig {
    /// Several endpoints instead of `base_url`.
    pub endpoints: Vec<EndpointConfig>,
    pub base_url: HttpUrl,
    /// `""` in TOML: the first model the server lists.
    #[serde(with = "sentinel::empty_string")]
    pub model: Option<String>,
    /// `0` in TOML: what the server says.
    #[serde(with = "sentinel::zero_none")]
    pub max_model_len: Option<NonZeroU32>,
    pub max_tokens: NonZeroU32,
    pub temperature: f64,
    pub max_concurrency: NonZeroU32,
    /// `0` in TOML: unlimited.
    #[serde(with = "sentinel::zero_none")]
    pub requests_per_minute: Option<NonZeroU32>,
    /// `0` in TOML: unlimited.
    #[serde(with = "sentinel::zero_none")]
    pub tokens_per_minute: Option<NonZeroU32>,
    pub timeout_secs: NonZeroU64,
    pub connect_wait_secs: u64,
    pub max_attempts: NonZeroU32,
    pub retry_base_delay_ms: u64,
    pub max_response_bytes: NonZeroU64,
    pub extra_body: Table,
    pub repair_attempts: u32,
    pub output: OutputMode,
}

/// One of `[[llm.endpoints]]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointConfig {
    /// Its base URL, with `/v1`.
    pub base_url: HttpUrl,
    /// Its share of requests in flight.
    #[serde(default = "sixteen")]
    pub max_concurrency: NonZeroU32,
    /// The environment variable holding its API key (else the run's key).
    #[serde(default, with = "sentinel::empty_string")]
    pub api_key_env: Option<String>,
}

#[allow(clippy::unwrap_used)]
fn sixteen() -> NonZeroU32 {
    NonZeroU32::new(16).unwrap_or(NonZeroU32::MIN)
}

/// `llm.output`: how the model is asked to answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutputMode {
    /// A Markdown answer with the five headings.
    #[default]
    Text,
    /// Structured output: `response_format: {type: "json_schema"}` with the five sections.
    JsonSchema,
}

impl OutputMode {
    /// The name used in the configuration and in reports (`text`, `json_schema`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::JsonSchema => "json_schema",
        }
    }
}

impl std::fmt::Display for OutputMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `[site]`: see `config/default.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct SiteConfig {
    #[serde(with = "sentinel::empty_path")]
    pub dir: Option<PathBuf>,
    #[serde(with = "sentinel::empty_url")]
    pub base_url: Option<HttpUrl>,
    pub title: String,
    pub feed_days: NonZeroU32,
    #[serde(with = "sentinel::empty_path")]
    pub templates: Option<PathBuf>,
    pub search: bool,
}

/// `[overview]`: see `config/default.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct OverviewConfig {
    pub enabled: bool,
    pub tags: Vec<String>,
    pub max_themes: NonZeroU32,
    pub template: String,
    pub max_tokens: NonZeroU32,
}

/// `[run]`: see `config/default.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct RunConfig {
    pub fetch_concurrency: NonZeroU32,
}

/// `[prompt]`: see `config/default.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct PromptConfig {
    /// `""` in TOML: the built-in template.
    #[serde(with = "sentinel::empty_path")]
    pub dir: Option<PathBuf>,
    pub template: String,
    pub safety_margin_tokens: u32,
    pub safety_margin_ratio: f64,
    pub retry_budget_ratio: f64,
    pub min_chinese_share: f64,
}

impl Config {
    /// The built-in defaults alone.
    pub fn defaults() -> Self {
        #[allow(clippy::expect_used)]
        ConfigBuilder::new()
            .build()
            .expect("the embedded config/default.toml is valid (tested)")
    }

    /// The User-Agent header, with `{version}` filled in.
    pub fn user_agent(&self) -> String {
        self.sources
            .user_agent
            .replace("{version}", env!("CARGO_PKG_VERSION"))
    }

    /// The cache directory, or `None` for "the platform default".
    pub fn cache_dir(&self) -> Option<PathBuf> {
        self.cache.dir.clone()
    }

    /// The configuration as TOML with any password in a URL replaced by `***` (every URL is an
    /// [`HttpUrl`], which serialises so).
    pub fn to_redacted_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_else(|e| format!("# cannot print config: {e}\n"))
    }

    /// Checks what types cannot: URLs, positive counts, ranges. Errors name the key and `origin`.
    fn validate(&self, origin: &str) -> Result<(), CoreError> {
        let problem = self
            .problem()
            .map(|(key, message)| (key.to_owned(), message))
            .or_else(|| self.notify_problem())
            .or_else(|| interests::problem(&self.interests, &self.notify));
        problem.map_or(Ok(()), |(key, message)| {
            Err(CoreError::InvalidValue {
                key,
                origin: origin.to_owned(),
                message,
            })
        })
    }

    /// The first problem of the `[[notify]]` channels (as `notify[i].key`) or of the
    /// `[[llm.endpoints]]`, and what is wrong.
    fn notify_problem(&self) -> Option<(String, String)> {
        for (i, channel) in self.notify.iter().enumerate() {
            if let Some((key, message)) = channel.problem() {
                return Some((format!("notify[{i}].{key}"), message));
            }
            if self.notify[..i]
                .iter()
                .any(|c| c.label() == channel.label())
            {
                return Some((
                    format!("notify[{i}].name"),
                    format!(
                        "two channels are named `{}`; give each a distinct `name`",
                        channel.label()
                    ),
                ));
            }
        }
        None
    }

    /// The first invalid value, as (key, what is wrong).
    fn problem(&self) -> Option<(&'static str, String)> {
        let (s, llm, p, o) = (&self.sources, &self.llm, &self.prompt, &self.overview);
        let ranges = [
            (
                "llm.temperature",
                (0.0..=2.0).contains(&llm.temperature),
                "must be 0 to 2",
            ),
            (
                "prompt.min_chinese_share",
                (0.0..=1.0).contains(&p.min_chinese_share),
                "must be 0 to 1",
            ),
            (
                "prompt.safety_margin_ratio",
                (0.0..0.9).contains(&p.safety_margin_ratio),
                "must be at least 0 and below 0.9",
            ),
            (
                "prompt.retry_budget_ratio",
                (0.1..=0.95).contains(&p.retry_budget_ratio),
                "must be 0.1 to 0.95",
            ),
            (
                "sources.hf_page_size",
                (1..=100).contains(&s.hf_page_size),
                "must be 1 to 100",
            ),
            (
                "sources.arxiv_api_batch",
                (1..=500).contains(&s.arxiv_api_batch),
                "must be 1 to 500",
            ),
            (
                "prompt.template",
                !p.template.contains(['/', '\\']) && !p.template.trim().is_empty(),
                "must be a file name inside prompt.dir",
            ),
            (
                "overview.template",
                !o.template.contains(['/', '\\']) && !o.template.trim().is_empty(),
                "must be a file name inside prompt.dir",
            ),
            (
                "overview.tags",
                !o.enabled || (!o.tags.is_empty() && o.tags.iter().all(|t| !t.trim().is_empty())),
                "must name at least one tag, none empty",
            ),
        ];
        ranges
            .iter()
            .find(|(_, ok, _)| !ok)
            .map(|(key, _, message)| (*key, (*message).to_owned()))
    }
}

/// Whether `name` is 1 to `max` letters, digits, `-` or `_` (names that become file names and
/// flags: channels, profiles).
fn is_name(name: &str, max: usize) -> bool {
    !name.is_empty()
        && name.len() <= max
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

mod layers;

pub use layers::ConfigBuilder;

#[cfg(test)]
mod tests;
