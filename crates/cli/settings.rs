//! Loading the configuration: defaults → a config file → environment → flags. The file is
//! `--config` (or `PAPERBRIEF_CONFIG`), else `./paperbrief.toml`, else
//! `$XDG_CONFIG_HOME/paperbrief/config.toml` (`~/.config/…` when the variable is unset).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use paperbrief_core::{Config, ConfigBuilder, env_vars};

use crate::args::GlobalArgs;

/// The process environment as UTF-8 pairs (variables that are not UTF-8 are skipped).
pub(crate) fn environment() -> Vec<(String, String)> {
    std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .collect()
}

/// Resolves the configuration from every layer.
pub(crate) fn load(args: &GlobalArgs) -> Result<Config> {
    let mut builder = ConfigBuilder::new();
    if let Some(path) = config_file(args) {
        builder = builder.file(&path, &read_config(&path)?)?;
    }
    builder = builder.env(environment())?;
    for (key, flag, value) in [
        ("cache.dir", "--cache-dir", &args.cache_dir),
        ("output.dir", "--output-dir", &args.output_dir),
        ("llm.base_url", "--base-url", &args.base_url),
        ("llm.model", "--model", &args.model),
    ] {
        if let Some(v) = value {
            builder = builder.set(key, v, flag)?;
        }
    }
    for item in &args.set {
        let (key, value) = item.split_once('=').with_context(|| {
            format!("--set `{item}`: expected KEY=VALUE, e.g. --set llm.max_tokens=4096")
        })?;
        builder = builder.set(key.trim(), value, &format!("--set {item}"))?;
    }
    Ok(builder.build()?)
}

/// The configuration file read: the one given, else the first of [`searched`] that exists.
pub(crate) fn config_file(args: &GlobalArgs) -> Option<PathBuf> {
    args.config
        .clone()
        .or_else(|| searched().into_iter().find(|p| p.is_file()))
}

/// Where a configuration file is looked for when none is given, in order.
pub(crate) fn searched() -> Vec<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let user = var(env_vars::XDG_CONFIG_HOME)
        .filter(|p| p.is_absolute())
        .or_else(|| var(env_vars::HOME).map(|h| h.join(".config")));
    let mut paths = vec![PathBuf::from("paperbrief.toml")];
    paths.extend(user.map(|dir| dir.join("paperbrief").join("config.toml")));
    paths
}

/// `config` without its channels when a command must send nothing this time, said once.
pub(crate) fn without_channels(mut config: Config, why: &str) -> Config {
    if !config.notify.is_empty() {
        eprintln!(
            "notify: nothing is sent to the {} channel(s) this time ({why})",
            config.notify.len()
        );
        config.notify.clear();
    }
    config
}

fn read_config(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| {
        format!(
            "cannot read config file {}; check the path given to --config or PAPERBRIEF_CONFIG",
            path.display()
        )
    })
}
