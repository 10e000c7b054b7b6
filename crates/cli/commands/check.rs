//! `paperbrief check`: each line says ok or what to fix.

use anyhow::Result;
use paperbrief_orchestrator::Services;
use paperbrief_orchestrator::check::check;
use paperbrief_orchestrator::llm::api_key_from_env;

use super::Outcome;
use crate::args::GlobalArgs;
use crate::settings;

pub(crate) async fn run(global: &GlobalArgs) -> Result<Outcome> {
    let config = settings::load(global)?;
    let services = Services::from_config(config, api_key_from_env())?;
    let lines = check(&services).await;
    for l in &lines {
        println!(
            "{} {}: {}",
            if l.ok { "ok  " } else { "FAIL" },
            l.what,
            l.detail
        );
    }
    Ok(if lines.iter().all(|l| l.ok) {
        Outcome::Success
    } else {
        Outcome::Partial
    })
}
