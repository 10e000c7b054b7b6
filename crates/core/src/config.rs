//! The configuration: typed sections, and the layering that builds them.
//!
//! Layers, lowest first: the embedded `config/default.toml` → a config file → environment
//! variables → command-line flags. Every layer is checked against the keys of the defaults as it
//! is applied, so an unknown key or a value of the wrong type is an error naming the key and the
//! layer it came from. This module does no IO: the caller reads files and the environment.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::{Table, Value};

use crate::env_vars;
use crate::error::CoreError;

/// The embedded defaults; every key paperbrief knows is in this file, documented.
pub const DEFAULT_TOML: &str = include_str!("../../../config/default.toml");

/// The resolved configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
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
}

/// `[sources]`: see `config/default.toml` for each key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct SourcesConfig {
    pub hf_endpoint: String,
    pub arxiv_base: String,
    pub arxiv_api_base: String,
    pub user_agent: String,
    pub arxiv_min_interval_ms: u64,
    pub max_page_bytes: u64,
    pub timeout_secs: u64,
    pub connect_timeout_secs: u64,
    pub max_attempts: u32,
    pub retry_base_delay_ms: u64,
    pub retry_max_delay_secs: u64,
    pub hf_page_size: u32,
    pub arxiv_api_batch: u32,
}

/// `[cache]`: see `config/default.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct CacheConfig {
    pub dir: String,
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
    pub base_url: String,
    pub model: String,
    pub max_model_len: u32,
    pub max_tokens: u32,
    pub temperature: f64,
    pub max_concurrency: u32,
    pub requests_per_minute: u32,
    pub tokens_per_minute: u32,
    pub timeout_secs: u64,
    pub max_attempts: u32,
    pub retry_base_delay_ms: u64,
    pub extra_body: Table,
    pub repair_attempts: u32,
    pub output: String,
}

/// `[run]`: see `config/default.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct RunConfig {
    pub fetch_concurrency: u32,
}

/// `[prompt]`: see `config/default.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct PromptConfig {
    pub dir: String,
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
        (!self.cache.dir.trim().is_empty()).then(|| PathBuf::from(&self.cache.dir))
    }

    /// The configuration as TOML with any password in a URL replaced by `***`.
    pub fn to_redacted_toml(&self) -> String {
        let mut c = self.clone();
        for url in [
            &mut c.sources.hf_endpoint,
            &mut c.sources.arxiv_base,
            &mut c.sources.arxiv_api_base,
            &mut c.llm.base_url,
        ] {
            *url = redact_url(url);
        }
        toml::to_string_pretty(&c).unwrap_or_else(|e| format!("# cannot print config: {e}\n"))
    }

    fn validate(&self, origin: &str) -> Result<(), CoreError> {
        let bad = |key: &str, message: String| CoreError::InvalidValue {
            key: key.to_owned(),
            origin: origin.to_owned(),
            message,
        };
        let s = &self.sources;
        for (key, value) in [
            ("sources.hf_endpoint", &s.hf_endpoint),
            ("sources.arxiv_base", &s.arxiv_base),
            ("sources.arxiv_api_base", &s.arxiv_api_base),
            ("llm.base_url", &self.llm.base_url),
        ] {
            check_http_url(value).map_err(|m| bad(key, m))?;
        }
        let positive = [
            ("sources.max_page_bytes", s.max_page_bytes),
            ("sources.timeout_secs", s.timeout_secs),
            ("sources.connect_timeout_secs", s.connect_timeout_secs),
            ("sources.max_attempts", u64::from(s.max_attempts)),
            ("llm.max_tokens", u64::from(self.llm.max_tokens)),
            ("llm.max_concurrency", u64::from(self.llm.max_concurrency)),
            ("llm.timeout_secs", self.llm.timeout_secs),
            ("llm.max_attempts", u64::from(self.llm.max_attempts)),
            (
                "run.fetch_concurrency",
                u64::from(self.run.fetch_concurrency),
            ),
        ];
        for (key, v) in positive {
            if v == 0 {
                return Err(bad(key, "must be greater than 0".into()));
            }
        }
        if !(0.0..=2.0).contains(&self.llm.temperature) {
            return Err(bad("llm.temperature", "must be 0 to 2".into()));
        }
        if !matches!(self.llm.output.as_str(), "text" | "json_schema") {
            return Err(bad(
                "llm.output",
                format!(
                    "must be \"text\" or \"json_schema\", not \"{}\"",
                    self.llm.output
                ),
            ));
        }
        let p = &self.prompt;
        if !(0.0..=1.0).contains(&p.min_chinese_share) {
            return Err(bad("prompt.min_chinese_share", "must be 0 to 1".into()));
        }
        if !(0.0..0.9).contains(&p.safety_margin_ratio) {
            return Err(bad(
                "prompt.safety_margin_ratio",
                "must be at least 0 and below 0.9".into(),
            ));
        }
        if !(0.1..=0.95).contains(&p.retry_budget_ratio) {
            return Err(bad(
                "prompt.retry_budget_ratio",
                "must be 0.1 to 0.95".into(),
            ));
        }
        if p.template.contains(['/', '\\']) || p.template.trim().is_empty() {
            return Err(bad(
                "prompt.template",
                "must be a file name inside prompt.dir".into(),
            ));
        }
        if !(1..=100).contains(&s.hf_page_size) {
            return Err(bad("sources.hf_page_size", "must be 1 to 100".into()));
        }
        if !(1..=500).contains(&s.arxiv_api_batch) {
            return Err(bad("sources.arxiv_api_batch", "must be 1 to 500".into()));
        }
        Ok(())
    }
}

fn check_http_url(value: &str) -> Result<(), String> {
    match url::Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => Ok(()),
        Ok(u) => Err(format!(
            "`{value}` must be an http(s) URL, not `{}:`",
            u.scheme()
        )),
        Err(e) => Err(format!(
            "`{value}` is not a URL ({e}); expected e.g. https://example.org"
        )),
    }
}

fn redact_url(value: &str) -> String {
    match url::Url::parse(value) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => value.to_owned(),
    }
}

/// Builds a [`Config`] layer by layer.
#[derive(Debug, Clone)]
pub struct ConfigBuilder {
    defaults: Table,
    merged: Table,
}

impl Default for ConfigBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl ConfigBuilder {
    /// Starts from the embedded defaults.
    pub fn new() -> Self {
        #[allow(clippy::expect_used)]
        let defaults: Table =
            toml::from_str(DEFAULT_TOML).expect("the embedded config/default.toml parses (tested)");
        Self {
            merged: defaults.clone(),
            defaults,
        }
    }

    /// Applies a config file's contents; errors name the file.
    pub fn file(mut self, path: &Path, contents: &str) -> Result<Self, CoreError> {
        let origin = path.display().to_string();
        let table: Table = toml::from_str(contents).map_err(|e| CoreError::ConfigFile {
            path: path.to_owned(),
            message: e.to_string().trim_end().to_owned(),
        })?;
        check_table(&self.defaults, &table, "", &origin)?;
        merge(&mut self.merged, table);
        self.checked(&origin)
    }

    /// Applies environment variables: `PAPERBRIEF_<SECTION>_<KEY>` for every key, the aliases in
    /// [`env_vars::KEY_ALIASES`], and rejects any other `PAPERBRIEF_*` variable.
    pub fn env<I>(mut self, vars: I) -> Result<Self, CoreError>
    where
        I: IntoIterator<Item = (String, String)>,
    {
        let vars: Vec<(String, String)> = vars.into_iter().collect();
        let known = self.key_vars();
        for (var, _) in &vars {
            let is_known = known.iter().any(|(v, _)| v == var)
                || env_vars::NON_KEY_VARS.contains(&var.as_str());
            if var.starts_with(env_vars::PREFIX) && !is_known {
                let names: Vec<&str> = known.iter().map(|(v, _)| v.as_str()).collect();
                return Err(CoreError::UnknownEnvVar {
                    var: var.clone(),
                    hint: did_you_mean(var, &names),
                });
            }
        }
        let lookup = |name: &str| vars.iter().find(|(v, _)| v == name).map(|(_, x)| x);
        for (alias, key) in env_vars::KEY_ALIASES {
            if let Some(value) = lookup(alias).filter(|v| !v.is_empty()) {
                self = self.set(key, value, &format!("environment variable {alias}"))?;
            }
        }
        for (var, key) in &known {
            if let Some(value) = lookup(var) {
                self = self.set(key, value, &format!("environment variable {var}"))?;
            }
        }
        Ok(self)
    }

    /// Sets one dotted key from a string (a flag or `--set key=value`), typed like its default.
    pub fn set(mut self, key: &str, raw: &str, origin: &str) -> Result<Self, CoreError> {
        let (section, name) = key.split_once('.').unwrap_or(("", key));
        let default = self
            .defaults
            .get(section)
            .and_then(Value::as_table)
            .and_then(|t| t.get(name))
            .ok_or_else(|| CoreError::UnknownKey {
                key: key.to_owned(),
                origin: origin.to_owned(),
                hint: did_you_mean(key, &self.dotted_keys()),
            })?;
        let value = typed_value(default, raw).map_err(|message| CoreError::InvalidValue {
            key: key.to_owned(),
            origin: origin.to_owned(),
            message,
        })?;
        if let Some(Value::Table(t)) = self.merged.get_mut(section) {
            t.insert(name.to_owned(), value);
        }
        self.checked(origin)
    }

    /// Finishes: the typed, validated configuration.
    pub fn build(self) -> Result<Config, CoreError> {
        self.typed("the built-in defaults")
    }

    fn checked(self, origin: &str) -> Result<Self, CoreError> {
        self.typed(origin)?;
        Ok(self)
    }

    fn typed(&self, origin: &str) -> Result<Config, CoreError> {
        let config: Config = serde_path_to_error::deserialize(Value::Table(self.merged.clone()))
            .map_err(|e| CoreError::InvalidValue {
                key: e.path().to_string(),
                origin: origin.to_owned(),
                message: e
                    .inner()
                    .to_string()
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
            })?;
        config.validate(origin)?;
        Ok(config)
    }

    fn key_vars(&self) -> Vec<(String, String)> {
        self.dotted_keys()
            .into_iter()
            .filter_map(|k| {
                let (s, n) = k.split_once('.')?;
                Some((env_vars::config_key_var(s, n), k.to_owned()))
            })
            .collect()
    }

    fn dotted_keys(&self) -> Vec<String> {
        let mut keys = Vec::new();
        for (section, v) in &self.defaults {
            if let Some(t) = v.as_table() {
                keys.extend(t.keys().map(|k| format!("{section}.{k}")));
            }
        }
        keys
    }
}

/// Checks every key of `layer` against `defaults`; a default that is an empty table accepts any
/// keys below it (free-form maps such as request extras).
fn check_table(
    defaults: &Table,
    layer: &Table,
    prefix: &str,
    origin: &str,
) -> Result<(), CoreError> {
    for (key, value) in layer {
        let dotted = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        let Some(default) = defaults.get(key) else {
            let names: Vec<String> = defaults.keys().map(|k| join_key(prefix, k)).collect();
            return Err(CoreError::UnknownKey {
                hint: did_you_mean(&dotted, &names),
                key: dotted,
                origin: origin.to_owned(),
            });
        };
        match (default, value) {
            (Value::Table(d), Value::Table(v)) if !d.is_empty() => {
                check_table(d, v, &dotted, origin)?;
            }
            (Value::Table(_), Value::Table(_)) => {}
            (d, v) if same_type(d, v) => {}
            (d, v) => {
                return Err(CoreError::InvalidValue {
                    key: dotted,
                    origin: origin.to_owned(),
                    message: format!("expected {}, found {}", d.type_str(), v.type_str()),
                });
            }
        }
    }
    Ok(())
}

fn join_key(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}.{key}")
    }
}

fn same_type(default: &Value, value: &Value) -> bool {
    matches!(
        (default, value),
        (Value::Float(_), Value::Integer(_) | Value::Float(_))
            | (Value::Integer(_), Value::Integer(_))
            | (Value::String(_), Value::String(_))
            | (Value::Boolean(_), Value::Boolean(_))
            | (Value::Array(_), Value::Array(_))
            | (Value::Datetime(_), Value::Datetime(_))
    )
}

fn typed_value(default: &Value, raw: &str) -> Result<Value, String> {
    let raw_t = raw.trim();
    match default {
        Value::String(_) => Ok(Value::String(raw.to_owned())),
        Value::Integer(_) => raw_t
            .parse::<i64>()
            .map(Value::Integer)
            .map_err(|_| format!("expected an integer, got `{raw}`")),
        Value::Float(_) => raw_t
            .parse::<f64>()
            .map(Value::Float)
            .map_err(|_| format!("expected a number, got `{raw}`")),
        Value::Boolean(_) => match raw_t.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Ok(Value::Boolean(true)),
            "false" | "0" | "no" | "off" => Ok(Value::Boolean(false)),
            _ => Err(format!("expected true or false, got `{raw}`")),
        },
        Value::Table(_) | Value::Array(_) | Value::Datetime(_) => {
            let doc: Table = toml::from_str(&format!("v = {raw_t}")).map_err(|e| {
                format!(
                    "expected a TOML {}, e.g. {{ a = 1 }}: {e}",
                    default.type_str()
                )
            })?;
            let v = doc.get("v").cloned().unwrap_or(Value::Table(Table::new()));
            if same_type(default, &v) || matches!((default, &v), (Value::Table(_), Value::Table(_)))
            {
                Ok(v)
            } else {
                Err(format!("expected a {}, got `{raw}`", default.type_str()))
            }
        }
    }
}

fn merge(into: &mut Table, layer: Table) {
    for (key, value) in layer {
        match (into.get_mut(&key), value) {
            (Some(Value::Table(existing)), Value::Table(new)) if !existing.is_empty() => {
                merge(existing, new);
            }
            (_, value) => {
                into.insert(key, value);
            }
        }
    }
}

fn did_you_mean<S: AsRef<str>>(given: &str, candidates: &[S]) -> String {
    let best = candidates
        .iter()
        .map(|c| (strsim::levenshtein(given, c.as_ref()), c.as_ref()))
        .min_by_key(|(d, _)| *d);
    match best {
        Some((d, c)) if d <= 3.max(given.len() / 4) => format!(" (did you mean `{c}`?)"),
        _ => String::new(),
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
