//! The one error type of `paperbrief-core`.

use std::path::PathBuf;

/// Everything that can go wrong while turning user input or configuration into domain values.
/// Each variant names the input it failed on and, where there is one, the fix.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// An arXiv identifier that is not of any accepted form.
    #[error("invalid arXiv id `{input}`: {reason}")]
    InvalidArxivId {
        /// What was given.
        input: String,
        /// What was wrong with it.
        reason: String,
    },
    /// A date that is not written `YYYY-MM-DD`.
    #[error(
        "invalid date `{input}`: expected YYYY-MM-DD (e.g. 2026-02-10), `today` or `yesterday`"
    )]
    InvalidDate {
        /// What was given.
        input: String,
    },
    /// A date written `YYYY-MM-DD` that no calendar has (`2026-02-30`), or outside 2000–2199.
    #[error("invalid date `{input}`: {reason}")]
    NoSuchDate {
        /// What was given.
        input: String,
        /// Which part is impossible.
        reason: String,
    },
    /// A week (`2026-W07`) or month (`2026-02`) that cannot be.
    #[error("invalid period `{input}`: {reason}")]
    InvalidPeriod {
        /// What was given.
        input: String,
        /// What is wrong.
        reason: String,
    },
    /// A configuration file that cannot be parsed.
    #[error("config file {path}: {message}")]
    ConfigFile {
        /// The file.
        path: PathBuf,
        /// What the TOML parser or the schema check said.
        message: String,
    },
    /// Several keys of one layer that no layer knows, each with its "did you mean".
    #[error("unknown config keys in {origin}: {}", keys.join(", "))]
    UnknownKeys {
        /// Each key, written `` `llm.modle` (did you mean `llm.model`?) ``.
        keys: Vec<String>,
        /// The file.
        origin: String,
    },
    /// A configuration key no layer knows.
    #[error("unknown config key `{key}` in {origin}{hint}")]
    UnknownKey {
        /// The dotted key, e.g. `llm.modle`.
        key: String,
        /// Where it came from: a file path, an environment variable, a flag.
        origin: String,
        /// A "did you mean" suggestion, possibly empty.
        hint: String,
    },
    /// A `PAPERBRIEF_*` environment variable that configures nothing.
    #[error("unknown environment variable `{var}`{hint}")]
    UnknownEnvVar {
        /// The variable name.
        var: String,
        /// A "did you mean" suggestion, possibly empty.
        hint: String,
    },
    /// A value of the wrong type or out of range.
    #[error("invalid value for `{key}` from {origin}: {message}")]
    InvalidValue {
        /// The dotted key.
        key: String,
        /// Where it came from.
        origin: String,
        /// What was wrong.
        message: String,
    },
}
