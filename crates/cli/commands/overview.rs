//! `paperbrief overview`: a day's 今日速览 made again.

use anyhow::Result;
use paperbrief_llm::api_key_from_env;
use paperbrief_orchestrator::Services;
use paperbrief_orchestrator::regenerate::remake;
use paperbrief_report::OverviewState;

use super::Outcome;
use crate::args::{GlobalArgs, OverviewArgs};
use crate::settings;

pub(crate) async fn run(global: &GlobalArgs, args: &OverviewArgs) -> Result<Outcome> {
    let mut config = settings::load(global)?;
    if args.no_notify {
        config = settings::without_channels(config, "--no-notify");
    }
    if !config.overview.enabled {
        anyhow::bail!(
            "[overview] enabled = false: set it to true (or --set overview.enabled=true)"
        );
    }
    let services = Services::connect(config, api_key_from_env()).await?;
    let (report, published, asked) = remake(&services, args.date, args.force).await?;
    if !asked {
        eprintln!(
            "{}: the briefs are as they were when the overview was made; nothing asked (--force asks again)",
            args.date
        );
    }
    if let Some(line) = super::overview_line(&report) {
        eprint!("{line}");
    }
    let failed = report
        .overview
        .as_ref()
        .is_some_and(|o| !matches!(o.state, OverviewState::Ok(_)));
    Ok(if !super::print_published(&published) || failed {
        Outcome::Partial
    } else {
        Outcome::Success
    })
}
