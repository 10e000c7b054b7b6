//! `paperbrief run`, `backfill` and `render`: the nightly job.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result};
use paperbrief_core::ReportDate;
use paperbrief_llm::api_key_from_env;
use paperbrief_orchestrator::preview::DryRun;
use paperbrief_orchestrator::progress::{Bars, LogLines, Progress};
use paperbrief_orchestrator::{RunOptions, RunResult, Services, Written};
use paperbrief_report::{DailyReport, Outcome as EntryOutcome};

use super::Outcome;
use crate::args::{BackfillArgs, GlobalArgs, RenderArgs, RunArgs};
use crate::settings;

pub(crate) async fn run(global: &GlobalArgs, args: &RunArgs) -> Result<Outcome> {
    let mut config = settings::load(global)?;
    if args.no_notify {
        config = settings::without_channels(config, "--no-notify");
    }
    let services = Services::connect(config, api_key_from_env()).await?;
    let opts = RunOptions {
        date: args.date.unwrap_or_else(ReportDate::today_utc),
        limit: args.limit,
        only: args.only.clone(),
        force: args.force,
        dry_run: args.dry_run,
    };
    run_day(&services, &opts, global.quiet).await
}

/// Counts the papers finished, for the line Ctrl-C prints.
struct Counting {
    inner: Arc<dyn Progress>,
    done: AtomicUsize,
}

impl Progress for Counting {
    fn start(&self, total: usize, stored: usize) {
        self.inner.start(total, stored);
    }
    fn fetched(&self, id: &str, kind: Option<paperbrief_core::SourceKind>) {
        self.inner.fetched(id, kind);
    }
    fn finished(&self, entry: &paperbrief_report::Entry, reused: bool, seconds: f64) {
        if matches!(entry.outcome, EntryOutcome::Ok { .. }) {
            self.done.fetch_add(1, Ordering::Relaxed);
        }
        self.inner.finished(entry, reused, seconds);
    }
    fn finish(&self) {
        self.inner.finish();
    }
}

/// Runs one day and prints what happened; the outcome is the exit status. Ctrl-C stops it with
/// one line saying what was kept.
async fn run_day(services: &Services, opts: &RunOptions, quiet: bool) -> Result<Outcome> {
    let inner: Arc<dyn Progress> = if std::io::stderr().is_terminal() && !quiet {
        Arc::new(Bars::default())
    } else {
        Arc::new(LogLines)
    };
    let progress = Arc::new(Counting {
        inner,
        done: AtomicUsize::new(0),
    });
    let result = tokio::select! {
        result = paperbrief_orchestrator::run(services, opts, Arc::clone(&progress) as Arc<dyn Progress>) => result?,
        _ = tokio::signal::ctrl_c() => {
            progress.finish();
            eprintln!(
                "\ninterrupted: {} briefs finished in this run are kept (with every text read); `paperbrief run --date {}` finishes the rest and redoes nothing",
                progress.done.load(Ordering::Relaxed),
                opts.date
            );
            return Ok(Outcome::Interrupted);
        }
    };
    Ok(match result {
        RunResult::Empty => {
            eprintln!(
                "{}: no papers listed (a weekend or holiday, or not yet published); nothing written",
                opts.date
            );
            Outcome::Success
        }
        RunResult::DryRun(dry) => {
            print_dry_run(&dry);
            Outcome::Success
        }
        RunResult::Written(written) => {
            eprint!("{}", summary(&written));
            eprintln!(
                "wrote {} and {}",
                written.files.markdown.display(),
                written.files.json.display()
            );
            super::print_published(&written.published);
            if written.asked_done() {
                Outcome::Success
            } else {
                Outcome::Partial
            }
        }
    })
}

/// The end-of-run summary: papers, HTML vs abstract, failures with reasons, what is pending,
/// unusable list items, tokens, wall time.
fn summary(written: &Written) -> String {
    let report = &written.report;
    let s = &report.stats;
    let transient = if s.abstract_transient > 0 {
        format!(
            ", {} of them because the HTML was temporarily unavailable",
            s.abstract_transient
        )
    } else {
        String::new()
    };
    let mut out = format!(
        "{}: {} papers: {} briefs ({} from HTML, {} from the abstract only{transient}), {} failed, {} reused from earlier runs\n",
        report.date, s.papers, s.briefs, s.html, s.abstract_only, s.failed, s.reused
    );
    if s.worked < s.papers {
        out.push_str(&format!(
            "worked on {} of the day's {} papers\n",
            s.worked, s.papers
        ));
    }
    if s.pending > 0 {
        out.push_str(&format!(
            "{} papers of the day are still pending; `paperbrief run --date {}` does them\n",
            s.pending, report.date
        ));
    }
    for (entry, failure) in report.failures() {
        out.push_str(&format!(
            "  failed {} ({:?}): {}\n",
            entry.paper.id, failure.stage, failure.reason
        ));
    }
    for entry in &report.entries {
        let (Some(source), EntryOutcome::Ok { .. }) = (&entry.source, &entry.outcome) else {
            continue;
        };
        if let Some(fallback) = &source.fallback {
            let why = &fallback.reason;
            let when = if fallback.transient {
                " (a later run tries the HTML again)"
            } else {
                ""
            };
            out.push_str(&format!(
                "  abstract only {}: {why}{when}\n",
                entry.paper.id
            ));
        }
    }
    if !report.skipped.is_empty() {
        out.push_str(&format!(
            "{} items of the HF list could not be used (listed at the end of the report):\n",
            report.skipped.len()
        ));
        for item in &report.skipped {
            out.push_str(&format!(
                "  skipped {}: {}\n",
                item.raw_id.as_deref().unwrap_or("(no id)"),
                item.reason
            ));
        }
    }
    out.push_str(&format!(
        "tokens: {} prompt + {} completion in {} requests; wall time {:.1}s\n",
        s.prompt_tokens, s.completion_tokens, s.llm_requests, s.wall_seconds
    ));
    if let Some(line) = super::overview_line(report) {
        out.push_str(&line);
    }
    if !s.endpoints.is_empty() {
        let each: Vec<String> = s
            .endpoints
            .iter()
            .map(|e| format!("{} {}", e.url, e.requests))
            .collect();
        out.push_str(&format!("requests per endpoint: {}\n", each.join(", ")));
    }
    out
}

fn print_dry_run(dry: &DryRun) {
    println!(
        "# model {}, context {} (from {})",
        dry.setup.model, dry.setup.context, dry.setup.context_source
    );
    let mut total = 0;
    for l in &dry.lines {
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
                    l.id.to_string(),
                    l.source,
                    t,
                    l.budget
                );
            }
            Err(e) => println!("{:<16} {:<9} error: {e}", l.id.to_string(), l.source),
        }
    }
    println!("{} papers, {total} prompt tokens in all", dry.lines.len());
}

pub(crate) async fn backfill(global: &GlobalArgs, args: &BackfillArgs) -> Result<Outcome> {
    if args.from > args.to {
        anyhow::bail!("--from {} is after --to {}", args.from, args.to);
    }
    let mut config = settings::load(global)?;
    if !args.notify {
        config = settings::without_channels(config, "backfill sends only with --notify");
    }
    let services = Services::connect(config, api_key_from_env()).await?;
    let mut outcome = Outcome::Success;
    let mut date = args.from;
    loop {
        let complete = services
            .reports()
            .read_day(date)
            .ok()
            .flatten()
            .is_some_and(|r: DailyReport| r.is_complete());
        if complete && !args.redo {
            eprintln!("{date}: complete, skipped");
        } else {
            match run_day(&services, &RunOptions::day(date), global.quiet).await {
                Ok(Outcome::Interrupted) => return Ok(Outcome::Interrupted),
                Ok(Outcome::Partial | Outcome::NotYet) => outcome = Outcome::Partial,
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
    let reports = paperbrief_report::ReportPaths::new(&config.output.dir);
    let files = reports.render_day(args.date)?.with_context(|| {
        format!(
            "no report for {} in {}; run `paperbrief run --date {}` first",
            args.date,
            reports.dir().display(),
            args.date
        )
    })?;
    eprintln!("wrote {}", files.markdown.display());
    Ok(Outcome::Success)
}
