//! Loading the configuration: defaults → `--config` file → environment → flags.

use std::path::Path;

use anyhow::{Context, Result};
use paperbrief_core::{Config, ConfigBuilder};

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
    if let Some(path) = &args.config {
        builder = builder.file(path, &read_config(path)?)?;
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

fn read_config(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| {
        format!(
            "cannot read config file {}; check the path given to --config or PAPERBRIEF_CONFIG",
            path.display()
        )
    })
}
