//! The command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use paperbrief_core::ReportDate;
use paperbrief_core::env_vars::PAPERBRIEF_CONFIG;

/// Turns each day's Hugging Face Daily Papers into a Chinese research briefing.
#[derive(Debug, Parser)]
#[command(name = "paperbrief", version, about, propagate_version = true)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub(crate) struct GlobalArgs {
    /// A TOML file layered over the built-in defaults (see `paperbrief config`).
    #[arg(long, global = true, env = PAPERBRIEF_CONFIG, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// Set any configuration key, e.g. `--set llm.max_tokens=4096` (repeatable; wins over
    /// files and environment).
    #[arg(long = "set", global = true, value_name = "KEY=VALUE")]
    pub(crate) set: Vec<String>,
    /// Where fetched pages are cached (`cache.dir`).
    #[arg(long, global = true, value_name = "DIR")]
    pub(crate) cache_dir: Option<String>,
    /// More log output (-v: debug, -vv: trace). PAPERBRIEF_LOG takes a full filter.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,
    /// Only warnings and errors on stderr.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub(crate) quiet: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Print a day's Hugging Face papers in report order (upvotes, then list order).
    List(ListArgs),
    /// Show what paperbrief reads of a paper: an arXiv id (fetched, through the cache) or a
    /// saved arXiv HTML, abstract page or export-API file (parsed offline).
    Extract(ExtractArgs),
    /// Print the rendered prompt for a paper (messages, token counts, what was cut) without
    /// calling the model: the dry run for tuning templates.
    Prompt(PromptArgs),
    /// Parse a saved model answer into the canonical brief; exit 1 naming every problem when
    /// it is not acceptable.
    ParseBrief(ParseBriefArgs),
    /// Print the resolved configuration (secrets redacted).
    Config,
}

#[derive(Debug, Args)]
pub(crate) struct PromptArgs {
    /// The arXiv id.
    pub(crate) id: String,
    /// Take the paper's HF metadata (code repository, project page) from this day's list.
    #[arg(long, value_parser = parse_date)]
    pub(crate) date: Option<ReportDate>,
}

#[derive(Debug, Args)]
pub(crate) struct ParseBriefArgs {
    /// A file holding the model's answer.
    pub(crate) file: PathBuf,
    /// Check the brief's numbers against this paper: an arXiv id (fetched) or a saved page.
    #[arg(long, value_name = "ID|FILE")]
    pub(crate) source: Option<String>,
    /// Print JSON: {"sections": {"应用领域": …}, "warnings": […]}.
    #[arg(long)]
    pub(crate) json: bool,
    /// The finish_reason the server gave (`length` means the answer was cut off).
    #[arg(long, value_name = "REASON")]
    pub(crate) finish_reason: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// The day, YYYY-MM-DD (default: today, UTC).
    #[arg(long, value_parser = parse_date)]
    pub(crate) date: Option<ReportDate>,
    /// Print a JSON array of papers instead of one line per paper.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ExtractArgs {
    /// An arXiv id (`2602.07040`, `2602.07040v2`, `hep-th/9901001`) or a file path.
    pub(crate) target: String,
    /// Print JSON: {kind, id, title, authors, abstract, sections, captions, tables}.
    #[arg(long)]
    pub(crate) json: bool,
    /// Do not read or write the page cache.
    #[arg(long)]
    pub(crate) no_cache: bool,
}

/// clap value parser for `--date`.
pub(crate) fn parse_date(s: &str) -> Result<ReportDate, String> {
    ReportDate::parse(s).map_err(|e| e.to_string())
}
