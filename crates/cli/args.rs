//! The command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use paperbrief_core::env_vars::PAPERBRIEF_CONFIG;
use paperbrief_core::{ArxivId, Period, ReportDate};

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
    /// Where fetched pages and finished work are kept (`cache.dir`).
    #[arg(long, global = true, value_name = "DIR")]
    pub(crate) cache_dir: Option<String>,
    /// Where reports are written (`output.dir`).
    #[arg(long, global = true, value_name = "DIR")]
    pub(crate) output_dir: Option<String>,
    /// The OpenAI-compatible endpoint, with /v1 (`llm.base_url`).
    #[arg(long, global = true, value_name = "URL")]
    pub(crate) base_url: Option<String>,
    /// The model to ask (`llm.model`).
    #[arg(long, global = true, value_name = "NAME")]
    pub(crate) model: Option<String>,
    /// More log output (-v: debug, -vv: trace). PAPERBRIEF_LOG takes a full filter.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,
    /// Only warnings and errors on stderr.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub(crate) quiet: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Write a day's report: reports/{date}.md and .json. Exit 0 when every paper has its
    /// brief, 1 when the report was written but some papers failed, 2 when nothing could run.
    Run(RunArgs),
    /// Re-summarise one paper and splice it into its day's report in place (or print it when
    /// it is in no report).
    Paper(PaperArgs),
    /// Run each day from --from to --to in turn, skipping days already complete.
    Backfill(BackfillArgs),
    /// Rebuild a day's Markdown from its JSON, without any network.
    Render(RenderArgs),
    /// Check the set-up: the LLM endpoint, its model and context, a tiny completion, HF, arXiv,
    /// and each [[notify]] channel's variables (`--notify`: send each a test message).
    Check(CheckArgs),
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
    /// Make a day's 今日速览 again when its briefs changed since it was made (`--force`:
    /// always), and write the report.
    Overview(OverviewArgs),
    /// A day's papers in a reader profile's order, with why (`[[interests]]`).
    Rank(RankArgs),
    /// Reader profiles: `interests check` reads each library and says what it holds.
    #[command(subcommand)]
    Interests(InterestsCommand),
    /// Print the resolved configuration (secrets redacted) and the file it was read from.
    Config,
    /// Write a commented starter configuration (default ./paperbrief.toml, which every
    /// command then reads).
    Init(InitArgs),
    /// Write a weekly or monthly digest: the period's most upvoted papers across its daily HF
    /// lists, each with its brief (stored ones reused; only the papers shown are summarised).
    Digest(DigestArgs),
    /// Send a day's report to the `[[notify]]` channels by hand: those that have not had it, or
    /// all again with `--force`; `--dry-run` prints each payload instead of sending.
    Notify(NotifyArgs),
    /// Build the static site (index, a page per day and digest, Atom feed) from every report,
    /// without any network. Writes only files whose content changed.
    Site(SiteArgs),
    /// Search every stored day report (titles, the five sections, tags, 机构), Chinese or
    /// English, ranked by BM25; offline. Exit 1 when nothing matches.
    Search(SearchArgs),
    /// The OpenAI Batch format, for `vllm run-batch` and hosted Batch APIs: export a day's
    /// requests, import the results, or drive a hosted Batch API (submit, status, collect).
    #[command(subcommand)]
    Batch(BatchCommand),
}

#[derive(Debug, Subcommand)]
pub(crate) enum InterestsCommand {
    /// Read each profile's library: items, with abstracts, embedded already.
    Check,
}

#[derive(Debug, Subcommand)]
pub(crate) enum BatchCommand {
    /// Read every paper of the day without a stored brief and write one request per paper
    /// (JSONL), exactly the body `run` would send.
    Export(BatchExportArgs),
    /// Read a results file, store every acceptable brief and write the report. Exit 1 when
    /// any line was skipped (each is named); those papers stay pending for `run`.
    Import(BatchImportArgs),
    /// Export the day and submit it to the endpoint's Batch API (`/v1/files`, `/v1/batches`).
    Submit(BatchDateArgs),
    /// Print the state of the day's submitted batch (as the API gives it), or without
    /// `--date` a line for every submitted day.
    Status(BatchStatusArgs),
    /// Download and import the day's batch results once the batch has completed (exit 3
    /// while it has not).
    Collect(BatchDateArgs),
}

#[derive(Debug, Args)]
pub(crate) struct BatchExportArgs {
    /// The day: YYYY-MM-DD, `today` or `yesterday` (UTC).
    #[arg(long, value_parser = parse_date)]
    pub(crate) date: ReportDate,
    /// Write the requests here instead of to stdout.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct BatchImportArgs {
    /// The day: YYYY-MM-DD, `today` or `yesterday` (UTC).
    #[arg(long, value_parser = parse_date)]
    pub(crate) date: ReportDate,
    /// The results file (Batch output format, JSONL).
    pub(crate) results: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct BatchStatusArgs {
    /// The day, YYYY-MM-DD; without it, every day submitted.
    #[arg(long, value_parser = parse_date)]
    pub(crate) date: Option<ReportDate>,
}

#[derive(Debug, Args)]
pub(crate) struct BatchDateArgs {
    /// The day: YYYY-MM-DD, `today` or `yesterday` (UTC).
    #[arg(long, value_parser = parse_date)]
    pub(crate) date: ReportDate,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("period").required(true).args(["week", "month"])))]
pub(crate) struct DigestArgs {
    /// An ISO week, YYYY-Www (e.g. 2026-W07).
    #[arg(long, value_parser = parse_week)]
    pub(crate) week: Option<Period>,
    /// A month, YYYY-MM (e.g. 2026-02).
    #[arg(long, value_parser = parse_month)]
    pub(crate) month: Option<Period>,
    /// How many papers the digest shows.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub(crate) top: usize,
    /// Send nothing to the [[notify]] channels this time.
    #[arg(long)]
    pub(crate) no_notify: bool,
}

#[derive(Debug, Args)]
pub(crate) struct NotifyArgs {
    /// The day: YYYY-MM-DD, `today` or `yesterday` (UTC).
    #[arg(long, value_parser = parse_date)]
    pub(crate) date: ReportDate,
    /// Only this channel (its `name`, or its kind when it has none).
    #[arg(long, value_name = "NAME")]
    pub(crate) channel: Option<String>,
    /// Send again to channels that already had it.
    #[arg(long)]
    pub(crate) force: bool,
    /// Print each payload (secrets left out) instead of sending.
    #[arg(long)]
    pub(crate) dry_run: bool,
}

#[derive(Debug, Args)]
pub(crate) struct SiteArgs {
    /// The directory to build into (default: `[site] dir`, else `site`).
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct PromptArgs {
    /// The arXiv id.
    pub(crate) id: String,
    /// Take the paper's HF metadata (code repository, project page) from this day's list.
    #[arg(long, value_parser = parse_date)]
    pub(crate) date: Option<ReportDate>,
    /// Print JSON: the context and budget, the cuts, and the exact request body `run` sends.
    #[arg(long)]
    pub(crate) json: bool,
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
pub(crate) struct RankArgs {
    /// The day: YYYY-MM-DD, `today` or `yesterday` (UTC).
    #[arg(long, value_parser = parse_date)]
    pub(crate) date: ReportDate,
    /// The profile (default: the first `[[interests]]` one).
    #[arg(long)]
    pub(crate) profile: Option<String>,
    /// Print a JSON list, best first: {id, title, score, for_you, matched, nearest}.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct OverviewArgs {
    /// The day: YYYY-MM-DD, `today` or `yesterday` (UTC).
    #[arg(long, value_parser = parse_date)]
    pub(crate) date: ReportDate,
    /// Ask again even when nothing it read has changed.
    #[arg(long)]
    pub(crate) force: bool,
    /// Send nothing to the [[notify]] channels this time.
    #[arg(long)]
    pub(crate) no_notify: bool,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Send each [[notify]] channel a test message.
    #[arg(long)]
    pub(crate) notify: bool,
}

#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// Where to write it.
    #[arg(default_value = "paperbrief.toml", value_name = "PATH")]
    pub(crate) path: PathBuf,
    /// Replace a file that is already there.
    #[arg(long)]
    pub(crate) force: bool,
}

#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// The day: YYYY-MM-DD, `today` or `yesterday` (UTC; default: today).
    #[arg(long, value_parser = parse_date)]
    pub(crate) date: Option<ReportDate>,
    /// Work on the first N papers in report order only (the report still lists the whole day).
    #[arg(long, value_name = "N")]
    pub(crate) limit: Option<usize>,
    /// Work on these papers only (comma-separated arXiv ids; the report still lists the whole
    /// day).
    #[arg(long, value_delimiter = ',', value_name = "ID,…", value_parser = parse_id)]
    pub(crate) only: Vec<ArxivId>,
    /// Redo the papers worked on from the source on: ignore stored texts and briefs.
    #[arg(long)]
    pub(crate) force: bool,
    /// Render every prompt and count tokens; no model calls, no report.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// Send nothing to the [[notify]] channels this time (the report and site are written).
    #[arg(long)]
    pub(crate) no_notify: bool,
}

#[derive(Debug, Args)]
pub(crate) struct PaperArgs {
    /// The arXiv id.
    #[arg(value_parser = parse_id)]
    pub(crate) id: ArxivId,
    /// The day whose report holds the paper.
    #[arg(long, value_parser = parse_date)]
    pub(crate) date: Option<ReportDate>,
    /// Send nothing to the [[notify]] channels (not even an update of the day).
    #[arg(long)]
    pub(crate) no_notify: bool,
}

#[derive(Debug, Args)]
pub(crate) struct BackfillArgs {
    /// First day, YYYY-MM-DD.
    #[arg(long, value_parser = parse_date)]
    pub(crate) from: ReportDate,
    /// Last day, YYYY-MM-DD (included).
    #[arg(long, value_parser = parse_date)]
    pub(crate) to: ReportDate,
    /// Run complete days again too (their stored briefs are still reused).
    #[arg(long)]
    pub(crate) redo: bool,
    /// Send each finished day to the [[notify]] channels (off by default: a month of old days
    /// is not news).
    #[arg(long)]
    pub(crate) notify: bool,
}

#[derive(Debug, Args)]
pub(crate) struct RenderArgs {
    /// The day: YYYY-MM-DD, `today` or `yesterday` (UTC).
    #[arg(long, value_parser = parse_date)]
    pub(crate) date: ReportDate,
}

#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// The day: YYYY-MM-DD, `today` or `yesterday` (UTC; default: today).
    #[arg(long, value_parser = parse_date)]
    pub(crate) date: Option<ReportDate>,
    /// Print a JSON array of papers instead of one line per paper.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct SearchArgs {
    /// The words to find (every word must match), e.g. 推测解码 or speculative decoding.
    #[arg(required = true, value_name = "QUERY")]
    pub(crate) query: Vec<String>,
    /// Only days on or after this one (YYYY-MM-DD, `today`, `yesterday`).
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    pub(crate) since: Option<ReportDate>,
    /// Only days on or before this one.
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    pub(crate) until: Option<ReportDate>,
    /// Only papers with this tag (as the 今日速览 gave it).
    #[arg(long, value_name = "TAG")]
    pub(crate) tag: Option<String>,
    /// At most this many papers (1 or more).
    #[arg(long, default_value = "10", value_name = "N")]
    pub(crate) limit: std::num::NonZeroUsize,
    /// Print a JSON array, best first, of {date, id, title, contribution, score}.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ExtractArgs {
    /// An arXiv id (`2602.07040`, `2602.07040v2`, `hep-th/9901001`) or a file path.
    pub(crate) target: String,
    /// Print JSON: {kind, id, title, authors, affiliations, abstract, sections, captions, tables,
    /// figure, cites}.
    #[arg(long)]
    pub(crate) json: bool,
    /// Do not read or write the page cache.
    #[arg(long)]
    pub(crate) no_cache: bool,
}

/// clap value parser for arXiv ids.
pub(crate) fn parse_id(s: &str) -> Result<ArxivId, String> {
    ArxivId::from_user(s).map_err(|e| e.to_string())
}

/// clap value parser for `--week`.
pub(crate) fn parse_week(s: &str) -> Result<Period, String> {
    Period::parse_week(s).map_err(|e| e.to_string())
}

/// clap value parser for `--month`.
pub(crate) fn parse_month(s: &str) -> Result<Period, String> {
    Period::parse_month(s).map_err(|e| e.to_string())
}

/// clap value parser for `--date`.
pub(crate) fn parse_date(s: &str) -> Result<ReportDate, String> {
    ReportDate::from_user(s).map_err(|e| e.to_string())
}
