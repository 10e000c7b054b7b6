//! Every environment variable paperbrief reads, in one place.
//!
//! Besides the names below, each configuration key `section.key` can be set through
//! `PAPERBRIEF_<SECTION>_<KEY>` (see [`config_key_var`]).

/// The API key for the LLM endpoint. Never logged, never written to a report.
pub const PAPERBRIEF_API_KEY: &str = "PAPERBRIEF_API_KEY";
/// Fallback for the API key, as OpenAI's clients read it.
pub const OPENAI_API_KEY: &str = "OPENAI_API_KEY";
/// Fallback for `llm.base_url`, as OpenAI's clients read it.
pub const OPENAI_BASE_URL: &str = "OPENAI_BASE_URL";
/// Fallback for `sources.hf_endpoint`, as `huggingface_hub` reads it (mirrors).
pub const HF_ENDPOINT: &str = "HF_ENDPOINT";
/// A configuration file, like `--config`.
pub const PAPERBRIEF_CONFIG: &str = "PAPERBRIEF_CONFIG";
/// Where per-user configuration lives (the XDG base directory spec); `$HOME/.config` when unset.
pub const XDG_CONFIG_HOME: &str = "XDG_CONFIG_HOME";
/// The user's home directory.
pub const HOME: &str = "HOME";
/// A `tracing` filter for the logs, e.g. `debug` or `paperbrief_fetch=trace`.
pub const PAPERBRIEF_LOG: &str = "PAPERBRIEF_LOG";

/// Any non-empty value turns coloured log output off (<https://no-color.org>).
pub const NO_COLOR: &str = "NO_COLOR";

/// The prefix of every paperbrief variable.
pub const PREFIX: &str = "PAPERBRIEF_";

/// Variables with the prefix that are not configuration keys.
pub const NON_KEY_VARS: &[&str] = &[PAPERBRIEF_API_KEY, PAPERBRIEF_CONFIG, PAPERBRIEF_LOG];

/// `(variable, key)` pairs of lower-precedence aliases: the `PAPERBRIEF_*` variable for the
/// same key wins over them.
pub const KEY_ALIASES: &[(&str, &str)] = &[
    (HF_ENDPOINT, "sources.hf_endpoint"),
    (OPENAI_BASE_URL, "llm.base_url"),
];

/// The variable that sets configuration key `section.key`: `PAPERBRIEF_SECTION_KEY`.
pub fn config_key_var(section: &str, key: &str) -> String {
    format!(
        "{PREFIX}{}_{}",
        section.to_ascii_uppercase(),
        key.to_ascii_uppercase()
    )
}
