//! One module per command; [`dispatch`] routes to them.

mod batch;
mod check;
mod config;
mod digest;
mod extract;
mod init;
mod list;
mod notify;
mod overview;
mod paper;
mod parse_brief;
mod prompt;
mod rank;
mod run;
mod search;
mod site;

use std::process::ExitCode;

use anyhow::Result;

use crate::args::{Cli, Command};

/// How a command ended, when it did not fail outright.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Everything worked.
    Success,
    /// The command finished but some of its work failed (exit code 1).
    Partial,
    /// Not finished yet, nothing wrong: try again later (exit code 3; `batch collect` before
    /// the batch is done).
    NotYet,
    /// Ctrl-C stopped it (exit code 130, as shells report SIGINT).
    Interrupted,
}

impl From<Outcome> for ExitCode {
    fn from(o: Outcome) -> Self {
        match o {
            Outcome::Success => ExitCode::SUCCESS,
            Outcome::Partial => ExitCode::from(1),
            Outcome::NotYet => ExitCode::from(3),
            Outcome::Interrupted => ExitCode::from(130),
        }
    }
}

/// Says what happened after a report was written (the site); `false` when something failed.
pub(crate) fn print_published(published: &paperbrief_orchestrator::publish::Published) -> bool {
    match &published.site {
        Some(Ok(s)) => {
            eprintln!(
                "site: {} files updated, {} unchanged",
                s.written.len(),
                s.unchanged
            );
            if let Some(index) = &s.search {
                eprintln!("site: {index}");
            }
            for u in &s.unreadable {
                eprintln!("site: skipped an unreadable report: {u}");
            }
        }
        Some(Err(e)) => eprintln!("site: FAILED: {}", chain(e)),
        None => {}
    }
    print_channels(&published.channels);
    published.ok()
}

/// What became of the report's 今日速览, as a summary line.
pub(crate) fn overview_line(report: &paperbrief_report::DailyReport) -> Option<String> {
    use paperbrief_report::OverviewState;
    let block = report.overview.as_ref()?;
    let cost = format!(
        "{} request(s), {} + {} tokens, {:.1}s",
        block.requests, block.prompt_tokens, block.completion_tokens, block.seconds
    );
    Some(match &block.state {
        OverviewState::Ok(o) => format!(
            "今日速览: {} themes, {} picks, based on {}/{} briefs (made with {cost}){}\n",
            o.themes.len(),
            o.picks.len(),
            block.based_on.briefs,
            block.based_on.papers,
            if o.warnings.is_empty() {
                String::new()
            } else {
                format!("; {} warnings in the JSON", o.warnings.len())
            }
        ),
        OverviewState::Failed { reason } => {
            format!("今日速览 FAILED ({cost}): {reason}; the report has every paper\n")
        }
        OverviewState::Pending { reason } => format!("今日速览 not made: {reason}\n"),
    })
}

/// An error and its causes, as one line (`what: why: root cause`).
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let text = c.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        cause = c.source();
    }
    out
}

/// One line per channel: sent, already sent, held, or failed with the reason.
pub(crate) fn print_channels(channels: &[paperbrief_orchestrator::publish::ChannelResult]) {
    use paperbrief_orchestrator::publish::ChannelOutcome;
    for c in channels {
        match &c.outcome {
            ChannelOutcome::Sent(d) => eprintln!(
                "notify {}: sent ({} message(s), {} bytes)",
                c.channel, d.messages, d.bytes
            ),
            ChannelOutcome::Updated { title, delivered } => eprintln!(
                "notify {}: sent an update, {title} ({} message(s), {} bytes)",
                c.channel, delivered.messages, delivered.bytes
            ),
            ChannelOutcome::AlreadySent(at) => {
                eprintln!(
                    "notify {}: already sent at {at} and nothing it said has changed; not sent again",
                    c.channel
                );
            }
            ChannelOutcome::Held { pending } => eprintln!(
                "notify {}: not sent: {pending} papers are still pending; sent when the day is finished",
                c.channel
            ),
            ChannelOutcome::NothingFor { profile } => eprintln!(
                "notify {}: nothing sent: no paper of the day is for profile `{profile}`",
                c.channel
            ),
            ChannelOutcome::Withheld { reason } => eprintln!(
                "notify {}: not sent: no paper has a brief and every failure is the endpoint's set-up ({reason}); fix it and run again",
                c.channel
            ),
            ChannelOutcome::Failed(why) => {
                eprintln!("notify {}: FAILED: {}", c.channel, chain(why));
            }
        }
    }
}

/// The id given to a saved page that does not name its paper, so it can be held as a
/// `SourceDoc`; commands never show it or use it in a path.
pub(crate) fn unnamed_paper() -> paperbrief_core::ArxivId {
    #[allow(clippy::expect_used)]
    paperbrief_core::ArxivId::parse("0704.0001").expect("a valid id")
}

/// Runs the chosen command.
pub(crate) async fn dispatch(cli: Cli) -> Result<Outcome> {
    match cli.command {
        Command::Run(args) => run::run(&cli.global, &args).await,
        Command::Paper(args) => paper::run(&cli.global, &args).await,
        Command::Backfill(args) => run::backfill(&cli.global, &args).await,
        Command::Render(args) => run::render(&cli.global, &args),
        Command::Check(args) => check::run(&cli.global, &args).await,
        Command::Init(args) => init::run(&args),
        Command::Rank(args) => rank::run(&cli.global, &args).await,
        Command::Interests(crate::args::InterestsCommand::Check) => rank::check(&cli.global).await,
        Command::Overview(args) => overview::run(&cli.global, &args).await,
        Command::List(args) => list::run(&cli.global, &args).await,
        Command::Extract(args) => extract::run(&cli.global, &args).await,
        Command::Prompt(args) => prompt::run(&cli.global, &args).await,
        Command::ParseBrief(args) => parse_brief::run(&cli.global, &args).await,
        Command::Config => config::run(&cli.global),
        Command::Site(args) => site::run(&cli.global, &args),
        Command::Search(args) => search::run(&cli.global, &args),
        Command::Digest(args) => digest::run(&cli.global, &args).await,
        Command::Notify(args) => notify::run(&cli.global, &args).await,
        Command::Batch(cmd) => batch::run(&cli.global, &cmd).await,
    }
}
