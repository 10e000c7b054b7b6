//! `paperbrief digest`: a week's or month's most upvoted papers with their briefs.

use std::sync::Arc;

use anyhow::{Context, Result};
use paperbrief_llm::api_key_from_env;
use paperbrief_orchestrator::Services;
use paperbrief_orchestrator::digest::{DigestOptions, digest};
use paperbrief_orchestrator::progress::LogLines;

use super::Outcome;
use crate::args::{DigestArgs, GlobalArgs};
use crate::settings;

pub(crate) async fn run(global: &GlobalArgs, args: &DigestArgs) -> Result<Outcome> {
    let period = args.week.or(args.month).context("give --week or --month")?;
    if args.top == 0 {
        anyhow::bail!("--top 0 shows nothing; give at least 1");
    }
    let mut config = settings::load(global)?;
    if args.no_notify {
        config = settings::without_channels(config, "--no-notify");
    }
    let services = Services::connect(config, api_key_from_env()).await?;
    let opts = DigestOptions {
        period,
        top: args.top,
    };
    let d = digest(&services, opts, Arc::new(LogLines)).await?;
    let s = &d.report.stats;
    eprintln!(
        "{period}: {} papers shown: {} briefs ({} from earlier runs), {} failed",
        s.papers, s.briefs, s.reused, s.failed
    );
    if let Some(p) = d.report.period.as_ref().filter(|p| !p.complete) {
        eprintln!(
            "the period is not over: it covers the lists up to {}",
            p.through
        );
    }
    for (date, why) in &d.missing_days {
        eprintln!("  no list for {date}: {why}");
    }
    for (entry, failure) in d.report.failures() {
        eprintln!(
            "  failed {} ({:?}): {}",
            entry.paper.id, failure.stage, failure.reason
        );
    }
    eprintln!(
        "wrote {} and {}",
        d.files.markdown.display(),
        d.files.json.display()
    );
    let published = super::print_published(&d.published);
    Ok(
        if d.report.stats.failed == 0 && d.missing_days.is_empty() && published {
            Outcome::Success
        } else {
            Outcome::Partial
        },
    )
}
