//! `paperbrief run`, `backfill` and `render`: the nightly job.

use std::io::IsTerminal;
use std::sync::Arc;

use anyhow::{Context, Result};
use paperbrief_core::{Config, ReportDate};
use paperbrief_orchestrator::progress::{Bars, LogLines, Progress};
use paperbrief_orchestrator::report::{DailyReport, render_markdown};
use paperbrief_orchestrator::run::DryRunLine;
use paperbrief_orchestrator::{Engine, RunOptions, RunResult, llm::api_key_from_env};

use super::Outcome;
use crate::args::{BackfillArgs, GlobalArgs, RenderArgs, RunArgs};
use crate::settings;

pub(crate) async fn run(global: &GlobalArgs, args: &RunArgs) -> Result<Outcome> {
    let config = settings::load(global)?;
    let engine = Engine::new(config, api_key_from_env())?;
    let opts = RunOptions {
        date: args.date.unwrap_or_else(ReportDate::today_utc),
        limit: args.limit,
        only: args.only.clone(),
        force: args.force,
        dry_run: args.dry_run,
    };
    run_day(&engine, &opts, global.quiet).await
}

/// Runs one day and prints what happened; the outcome is the exit status.
async fn run_day(engine: &Engine, opts: &RunOptions, quiet: bool) -> Result<Outcome> {
    let progress: Arc<dyn Progress> = if std::io::stderr().is_terminal() && !quiet {
        Arc::new(Bars::default())
    } else {
        Arc::new(LogLines)
    };
    let result = paperbrief_orchestrator::run(engine, opts, progress).await?;
    Ok(match result {
        RunResult::Empty => {
            eprintln!(
                "{}: no papers listed (a weekend or holiday, or not yet published); nothing written",
                opts.date
            );
            Outcome::Success
        }
        RunResult::DryRun(lines) => {
            print_dry_run(&lines);
            Outcome::Success
        }
        RunResult::Written {
            report,
            markdown,
            json,
        } => {
            eprint!("{}", summary(&report));
            eprintln!("wrote {} and {}", markdown.display(), json.display());
            if report.is_complete() {
                Outcome::Success
            } else {
                Outcome::Partial
            }
        }
    })
}

/// The end-of-run summary: papers, HTML vs abstract, failures with reasons, tokens, wall time.
fn summary(report: &DailyReport) -> String {
    let s = &report.stats;
    let mut out = format!(
        "{}: {} papers: {} briefs ({} from HTML, {} from the abstract only), {} failed, {} reused from earlier runs\n",
        report.date, s.papers, s.briefs, s.html, s.abstract_only, s.failed, s.reused
    );
    for (entry, failure) in report.failures() {
        out.push_str(&format!(
            "  failed {} ({:?}): {}\n",
            entry.paper.id, failure.stage, failure.reason
        ));
    }
    for entry in &report.entries {
        if let Some(why) = entry.source.as_ref().and_then(|s| s.fallback.as_deref()) {
            out.push_str(&format!("  abstract only {}: {why}\n", entry.paper.id));
        }
    }
    out.push_str(&format!(
        "tokens: {} prompt + {} completion in {} requests; wall time {:.1}s\n",
        s.prompt_tokens, s.completion_tokens, s.llm_requests, s.wall_seconds
    ));
    out
}

fn print_dry_run(lines: &[DryRunLine]) {
    let mut total = 0;
    for l in lines {
        match &l.tokens {
            Ok(t) => {
                total += t;
                let cuts = if l.cuts.is_empty() {
                    String::new()
                } else {
                    format!("  cut: {}", l.cuts.join("; "))
                };
                println!(
                    "{:<16} {:<9} {:>7} / {} tokens{cuts}",
                    l.id, l.source, t, l.budget
                );
            }
            Err(e) => println!("{:<16} {:<9} error: {e}", l.id, l.source),
        }
    }
    println!("{} papers, {total} prompt tokens in all", lines.len());
}

pub(crate) async fn backfill(global: &GlobalArgs, args: &BackfillArgs) -> Result<Outcome> {
    if args.from > args.to {
        anyhow::bail!("--from {} is after --to {}", args.from, args.to);
    }
    let config: Config = settings::load(global)?;
    let engine = Engine::new(config, api_key_from_env())?;
    let mut outcome = Outcome::Success;
    let mut date = args.from;
    loop {
        let (_, json) = engine.report_paths(date);
        let complete = std::fs::read(&json)
            .ok()
            .and_then(|b| serde_json::from_slice::<DailyReport>(&b).ok())
            .is_some_and(|r| r.is_complete());
        if complete && !args.redo {
            eprintln!("{date}: complete, skipped");
        } else {
            let opts = RunOptions {
                date,
                limit: None,
                only: Vec::new(),
                force: false,
                dry_run: false,
            };
            match run_day(&engine, &opts, global.quiet).await {
                Ok(Outcome::Partial) => outcome = Outcome::Partial,
                Ok(Outcome::Success) => {}
                Err(e) => {
                    eprintln!("{date}: error: {e:#}");
                    outcome = Outcome::Partial;
                }
            }
        }
        if date >= args.to {
            break;
        }
        date = date.succ();
    }
    Ok(outcome)
}

pub(crate) fn render(global: &GlobalArgs, args: &RenderArgs) -> Result<Outcome> {
    let config = settings::load(global)?;
    let dir = std::path::Path::new(&config.output.dir);
    let json = dir.join(format!("{}.json", args.date));
    let bytes = std::fs::read(&json).with_context(|| {
        format!(
            "cannot read {}; run `paperbrief run --date {}` first",
            json.display(),
            args.date
        )
    })?;
    let report: DailyReport = serde_json::from_slice(&bytes)
        .with_context(|| format!("{} is not a paperbrief report", json.display()))?;
    let md = dir.join(format!("{}.md", args.date));
    paperbrief_fetch::atomic_write(&md, render_markdown(&report).as_bytes())?;
    eprintln!("wrote {}", md.display());
    Ok(Outcome::Success)
}
