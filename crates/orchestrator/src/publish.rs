//! After a report is written: the site pages it touches are rebuilt (when `[site] dir` is set).
//! What happens here never undoes the report: a failure is reported beside it.

use std::path::PathBuf;

use paperbrief_core::Config;
use paperbrief_report::{ReportKey, ReportPaths};
use paperbrief_site::{BuildSummary, Site, SiteSettings};

/// What publishing a report did.
#[derive(Debug, Clone, Default)]
pub struct Published {
    /// The site rebuild, when a site is configured: what changed, or why it failed.
    pub site: Option<Result<BuildSummary, String>>,
}

impl Published {
    /// Whether everything configured worked.
    pub fn ok(&self) -> bool {
        !matches!(self.site, Some(Err(_)))
    }
}

/// Rebuilds the site pages of `touched` (and the index and feed) when `[site] dir` is set.
pub async fn after_reports(
    config: &Config,
    reports: &ReportPaths,
    touched: Vec<ReportKey>,
) -> Published {
    let Some(dir) = config.site.dir.clone() else {
        return Published::default();
    };
    Published {
        site: Some(rebuild_site(config, reports, dir, touched).await),
    }
}

async fn rebuild_site(
    config: &Config,
    reports: &ReportPaths,
    dir: PathBuf,
    touched: Vec<ReportKey>,
) -> Result<BuildSummary, String> {
    let settings = SiteSettings::from_config(config, &dir);
    let reports = reports.clone();
    tokio::task::spawn_blocking(move || {
        let site = Site::new(settings).map_err(|e| e.to_string())?;
        site.rebuild(&reports, &touched).map_err(|e| e.to_string())
    })
    .await
    .unwrap_or_else(|e| Err(format!("the site build stopped: {e}")))
}
