//! Layering: each layer is checked against the keys and types of the embedded defaults as it is
//! applied, so an error names the key and the layer it came from.

use std::path::Path;

use toml::{Table, Value};

use super::{Config, DEFAULT_TOML};
use crate::env_vars;
use crate::error::CoreError;

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
        let mut unknown = Vec::new();
        check_table(&self.defaults, &table, "", &origin, &mut unknown)?;
        match unknown.len() {
            0 => {}
            1 => return Err(unknown.remove(0)),
            _ => {
                return Err(CoreError::UnknownKeys {
                    keys: unknown.iter().map(described_key).collect(),
                    origin,
                });
            }
        }
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
        let value = typed_value(default, raw).map_err(|e| CoreError::InvalidValue {
            key: key.to_owned(),
            origin: origin.to_owned(),
            message: e.to_string(),
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

/// `` `key` (did you mean …) `` of an unknown-key error.
fn described_key(e: &CoreError) -> String {
    match e {
        CoreError::UnknownKey { key, hint, .. } => format!("`{key}`{hint}"),
        other => other.to_string(),
    }
}

/// Checks every key of `layer` against `defaults`, collecting unknown keys into `unknown` (a
/// value of the wrong type is an error at once); a default that is an empty table accepts any
/// keys below it (free-form maps such as request extras).
fn check_table(
    defaults: &Table,
    layer: &Table,
    prefix: &str,
    origin: &str,
    unknown: &mut Vec<CoreError>,
) -> Result<(), CoreError> {
    for (key, value) in layer {
        let dotted = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        let Some(default) = defaults.get(key) else {
            let names: Vec<String> = defaults.keys().map(|k| join_key(prefix, k)).collect();
            unknown.push(CoreError::UnknownKey {
                hint: did_you_mean(&dotted, &names),
                key: dotted,
                origin: origin.to_owned(),
            });
            continue;
        };
        match (default, value) {
            (Value::Table(d), Value::Table(v)) if !d.is_empty() => {
                check_table(d, v, &dotted, origin, unknown)?;
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

/// Why a raw `--set`/environment value does not have its key's type.
#[derive(Debug, thiserror::Error)]
enum TypeMismatch {
    #[error("expected {expected}, got `{raw}`")]
    Scalar { expected: &'static str, raw: String },
    #[error("expected a TOML {expected}, e.g. {{ a = 1 }}: {source}")]
    Toml {
        expected: &'static str,
        source: toml::de::Error,
    },
}

fn typed_value(default: &Value, raw: &str) -> Result<Value, TypeMismatch> {
    let raw_t = raw.trim();
    let scalar = |expected| TypeMismatch::Scalar {
        expected,
        raw: raw.to_owned(),
    };
    match default {
        Value::String(_) => Ok(Value::String(raw.to_owned())),
        Value::Integer(_) => raw_t
            .parse::<i64>()
            .map(Value::Integer)
            .map_err(|_| scalar("an integer")),
        Value::Float(_) => raw_t
            .parse::<f64>()
            .map(Value::Float)
            .map_err(|_| scalar("a number")),
        Value::Boolean(_) => match raw_t.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Ok(Value::Boolean(true)),
            "false" | "0" | "no" | "off" => Ok(Value::Boolean(false)),
            _ => Err(scalar("true or false")),
        },
        Value::Table(_) | Value::Array(_) | Value::Datetime(_) => {
            let doc: Table =
                toml::from_str(&format!("v = {raw_t}")).map_err(|source| TypeMismatch::Toml {
                    expected: default.type_str(),
                    source,
                })?;
            let v = doc.get("v").cloned().unwrap_or(Value::Table(Table::new()));
            if same_type(default, &v) || matches!((default, &v), (Value::Table(_), Value::Table(_)))
            {
                Ok(v)
            } else {
                Err(scalar(match default {
                    Value::Array(_) => "an array",
                    Value::Datetime(_) => "a datetime",
                    _ => "a table",
                }))
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
    // `model` for `llm.model`: a key given without its section (every section that has it,
    // the LLM's first: it is the one people mean most).
    let suffix = format!(".{given}");
    let mut sections: Vec<&str> = candidates
        .iter()
        .map(AsRef::as_ref)
        .filter(|c| c.ends_with(&suffix))
        .collect();
    sections.sort_by_key(|c| (!c.starts_with("llm."), *c));
    if !sections.is_empty() {
        let named: Vec<String> = sections.iter().map(|c| format!("`{c}`")).collect();
        return format!(" (did you mean {}?)", named.join(" or "));
    }
    let best = candidates
        .iter()
        .map(|c| (strsim::levenshtein(given, c.as_ref()), c.as_ref()))
        .min_by_key(|(d, _)| *d);
    match best {
        Some((d, c)) if d <= 3.max(given.len() / 4) => format!(" (did you mean `{c}`?)"),
        _ => String::new(),
    }
}
