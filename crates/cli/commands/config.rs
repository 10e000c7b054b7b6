//! `paperbrief config`: the resolved configuration, secrets redacted.

use anyhow::Result;
use paperbrief_core::env_vars::{OPENAI_API_KEY, PAPERBRIEF_API_KEY};

use super::Outcome;
use crate::args::GlobalArgs;
use crate::settings;

pub(crate) fn run(global: &GlobalArgs) -> Result<Outcome> {
    let mut config = settings::load(global)?;
    // What is in effect: an empty cache.dir means the platform's cache directory.
    if config.cache.dir.is_none() {
        config.cache.dir = paperbrief_fetch::resolve_cache_dir(&config);
    }
    let key_source = [PAPERBRIEF_API_KEY, OPENAI_API_KEY]
        .into_iter()
        .find(|v| std::env::var(v).is_ok_and(|k| !k.is_empty()));
    let mut out = String::from(
        "# paperbrief configuration, resolved (defaults < --config < environment < flags)\n",
    );
    match settings::config_file(global) {
        Some(path) => out.push_str(&format!("# config file: {}\n", path.display())),
        None => {
            let searched: Vec<String> = settings::searched()
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            out.push_str(&format!(
                "# config file: none (looked for {}; `paperbrief init` writes one)\n",
                searched.join(", ")
            ));
        }
    }
    out.push_str(&match key_source {
        Some(var) => format!("# API key: set from {var} (not shown)\n"),
        None => format!("# API key: not set ({PAPERBRIEF_API_KEY} or {OPENAI_API_KEY})\n"),
    });
    out.push('\n');
    out.push_str(&config.to_redacted_toml());
    print!("{out}");
    Ok(Outcome::Success)
}
