//! `paperbrief check`: each line says ok or what to fix.

use anyhow::Result;
use paperbrief_llm::api_key_from_env;
use paperbrief_orchestrator::Services;
use paperbrief_orchestrator::check::{Status, channels, check, interests};

use super::Outcome;
use crate::args::{CheckArgs, GlobalArgs};
use crate::settings;

pub(crate) async fn run(global: &GlobalArgs, args: &CheckArgs) -> Result<Outcome> {
    let config = settings::load(global)?;
    let services = Services::connect(config, api_key_from_env()).await?;
    let mut lines = check(&services).await;
    lines.extend(interests(&services).await);
    lines.extend(channels(services.config(), args.notify).await);
    for l in &lines {
        let status = match l.status {
            Status::Ok => "ok  ",
            Status::Warn => "WARN",
            Status::Fail => "FAIL",
        };
        println!("{status} {}: {}", l.what, l.detail);
    }
    Ok(if lines.iter().all(|l| l.status != Status::Fail) {
        Outcome::Success
    } else {
        Outcome::Partial
    })
}
