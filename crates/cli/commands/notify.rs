//! `paperbrief notify`: a day's report to the configured channels, by hand.

use anyhow::{Context, Result, bail};
use paperbrief_notify::preview;
use paperbrief_orchestrator::Store;
use paperbrief_orchestrator::publish::{ChannelOutcome, SendOptions, briefing, send};
use paperbrief_report::ReportPaths;

use super::Outcome;
use crate::args::{GlobalArgs, NotifyArgs};
use crate::settings;

pub(crate) async fn run(global: &GlobalArgs, args: &NotifyArgs) -> Result<Outcome> {
    let config = settings::load(global)?;
    if config.notify.is_empty() {
        bail!("no channels: add a [[notify]] table to the configuration (see the README)");
    }
    if let Some(name) = &args.channel
        && !config.notify.iter().any(|c| c.label() == name)
    {
        let names: Vec<&str> = config.notify.iter().map(|c| c.label()).collect();
        bail!(
            "no channel named `{name}`; the channels are: {}",
            names.join(", ")
        );
    }
    let reports = ReportPaths::new(&config.output.dir);
    let report = reports.read_day(args.date)?.with_context(|| {
        format!(
            "no report for {} in {}; run `paperbrief run --date {}` first (a day without papers sends nothing)",
            args.date,
            reports.dir().display(),
            args.date
        )
    })?;
    if args.dry_run {
        let briefing = briefing(&config, &report);
        let env = |name: &str| std::env::var(name).ok();
        for channel in config
            .notify
            .iter()
            .filter(|c| args.channel.as_deref().is_none_or(|n| n == c.label()))
        {
            for (target, payload) in preview(channel, &briefing, &env)? {
                println!(
                    "=== {} ({}): {target}\n{payload}\n",
                    channel.label(),
                    channel.kind().as_str()
                );
            }
        }
        return Ok(Outcome::Success);
    }
    let store = Store::for_config(&config)
        .context("no cache directory: set [cache] dir (or --cache-dir)")?;
    let opts = SendOptions {
        channel: args.channel.as_deref(),
        force: args.force,
    };
    let results = send(&config, &store, &report, opts).await;
    super::print_channels(&results);
    Ok(
        if results
            .iter()
            .any(|r| matches!(r.outcome, ChannelOutcome::Failed(_)))
        {
            Outcome::Partial
        } else {
            Outcome::Success
        },
    )
}
