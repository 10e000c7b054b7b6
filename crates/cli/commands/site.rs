//! `paperbrief site`: the static site from every report, without any network.

use std::path::PathBuf;

use anyhow::Result;
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
    let site = Site::new(SiteSettings::from_config(&config, &out))?;
    let summary = site.build_all(&ReportPaths::new(&config.output.dir))?;
    eprintln!(
        "{}: {} files updated, {} unchanged",
        out.display(),
        summary.written.len(),
        summary.unchanged
    );
    for u in &summary.unreadable {
        eprintln!("skipped an unreadable report: {u}");
    }
    Ok(if summary.unreadable.is_empty() {
        Outcome::Success
    } else {
        Outcome::Partial
    })
}
