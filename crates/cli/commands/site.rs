//! `paperbrief site`: the static site from every report, without any network.

use std::path::PathBuf;

use anyhow::Result;
use paperbrief_orchestrator::Store;
use paperbrief_orchestrator::publish::site_settings;
use paperbrief_report::ReportPaths;
use paperbrief_site::{Site, SiteSettings};

use super::Outcome;
use crate::args::{GlobalArgs, SiteArgs};
use crate::settings;

pub(crate) fn run(global: &GlobalArgs, args: &SiteArgs) -> Result<Outcome> {
    let config = settings::load(global)?;
    let out = args
        .out
        .clone()
        .or_else(|| config.site.dir.clone())
        .unwrap_or_else(|| PathBuf::from("site"));
    // Key figures come from the store; without a cache directory the site has none.
    let settings = match Store::for_config(&config) {
        Some(store) => site_settings(&config, &store, &out),
        None => SiteSettings::from_config(&config, &out),
    };
    let site = Site::new(settings)?;
    let summary = site.build_all(&ReportPaths::new(&config.output.dir))?;
    eprintln!(
        "{}: {} files updated, {} unchanged",
        out.display(),
        summary.written.len(),
        summary.unchanged
    );
    if let Some(index) = &summary.search {
        eprintln!("{}: {index}", out.display());
    }
    for u in &summary.unreadable {
        eprintln!("skipped an unreadable report: {u}");
    }
    Ok(if summary.unreadable.is_empty() {
        Outcome::Success
    } else {
        Outcome::Partial
    })
}
