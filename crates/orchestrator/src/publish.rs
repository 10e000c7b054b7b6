//! After a report is written: the site pages it touches are rebuilt (when `[site] dir` is set),
//! then each `[[notify]]` channel is sent the report once — deliveries are recorded in the store
//! (channel and day), so a rerun, a resumed run or `paper` sends nothing again. What happens here
//! never undoes the report: each failure is reported beside it, one channel's never stops
//! another's.

use std::path::PathBuf;
use std::time::Duration;

use paperbrief_core::{Config, NotifyChannel};
use paperbrief_http::RetryPolicy;
use paperbrief_notify::{Briefing, Delivered, Delivery, deliver};
use paperbrief_report::{DailyReport, ReportKey, ReportPaths};
use paperbrief_site::{BuildSummary, Site, SiteSettings};

use crate::store::{DeliveryRecord, Store};

/// What publishing a report did.
#[derive(Debug, Clone, Default)]
pub struct Published {
    /// The site rebuild, when a site is configured: what changed, or why it failed.
    pub site: Option<Result<BuildSummary, String>>,
    /// Each channel's delivery.
    pub channels: Vec<ChannelResult>,
}

/// One channel's delivery of a report.
#[derive(Debug, Clone)]
pub struct ChannelResult {
    /// The channel's name.
    pub channel: String,
    /// What happened.
    pub outcome: ChannelOutcome,
}

/// What happened to one channel.
#[derive(Debug, Clone)]
pub enum ChannelOutcome {
    /// Sent now.
    Sent(Delivered),
    /// Sent before (at that time); nothing sent again.
    AlreadySent(chrono::DateTime<chrono::Utc>),
    /// Not sent, and why (the day is not finished).
    Held(String),
    /// Sending failed.
    Failed(String),
}

impl Published {
    /// Whether everything configured worked.
    pub fn ok(&self) -> bool {
        !matches!(self.site, Some(Err(_)))
            && !self
                .channels
                .iter()
                .any(|c| matches!(c.outcome, ChannelOutcome::Failed(_)))
    }
}

/// Which channels to send to, and how.
#[derive(Debug, Clone, Copy, Default)]
pub struct SendOptions<'a> {
    /// Only this channel.
    pub channel: Option<&'a str>,
    /// Send again even when a delivery is recorded.
    pub force: bool,
}

/// Rebuilds the site pages of `report` (and the index and feed) when `[site] dir` is set, then
/// sends it to every channel that has not had it — unless some of its papers are still pending
/// (a subset run): the day goes out once, finished.
pub async fn after_report(
    config: &Config,
    reports: &ReportPaths,
    store: &Store,
    report: &DailyReport,
) -> Published {
    let key = match &report.period {
        Some(p) => ReportKey::Digest(p.period),
        None => ReportKey::Day(report.date),
    };
    let site = match config.site.dir.clone() {
        Some(dir) => Some(rebuild_site(config, reports, dir, vec![key]).await),
        None => None,
    };
    let channels = if report.stats.pending > 0 {
        let why = format!(
            "{} papers are still pending; sent when the day is finished",
            report.stats.pending
        );
        config
            .notify
            .iter()
            .map(|c| ChannelResult {
                channel: c.label().to_owned(),
                outcome: ChannelOutcome::Held(why.clone()),
            })
            .collect()
    } else {
        send(config, store, report, SendOptions::default()).await
    };
    Published { site, channels }
}

/// Sends `report` to the configured channels (or the one named), each once unless `force`.
pub async fn send(
    config: &Config,
    store: &Store,
    report: &DailyReport,
    opts: SendOptions<'_>,
) -> Vec<ChannelResult> {
    let briefing = briefing(config, report);
    let http = match http_client(config) {
        Ok(c) => c,
        Err(e) => {
            return config
                .notify
                .iter()
                .map(|c| ChannelResult {
                    channel: c.label().to_owned(),
                    outcome: ChannelOutcome::Failed(e.clone()),
                })
                .collect();
        }
    };
    let mut results = Vec::new();
    for channel in config
        .notify
        .iter()
        .filter(|c| opts.channel.is_none_or(|n| n == c.label()))
    {
        let outcome = send_one(config, store, &briefing, channel, &http, opts.force).await;
        results.push(ChannelResult {
            channel: channel.label().to_owned(),
            outcome,
        });
    }
    results
}

async fn send_one(
    config: &Config,
    store: &Store,
    briefing: &Briefing,
    channel: &NotifyChannel,
    http: &reqwest::Client,
    force: bool,
) -> ChannelOutcome {
    if !force && let Some(sent) = store.delivery(&briefing.key, channel.label()).await {
        return ChannelOutcome::AlreadySent(sent.at);
    }
    let env = |name: &str| std::env::var(name).ok();
    let delivery = Delivery {
        channel,
        env: &env,
        http,
        retry: RetryPolicy::sources(config),
    };
    match deliver(&delivery, briefing).await {
        Ok(sent) => {
            let record = DeliveryRecord {
                at: chrono::Utc::now(),
                messages: sent.messages,
            };
            if let Err(e) = store
                .put_delivery(&briefing.key, channel.label(), &record)
                .await
            {
                tracing::warn!(target: "paperbrief::notify", "{e}; a later run may send it again");
            }
            ChannelOutcome::Sent(sent)
        }
        Err(e) => ChannelOutcome::Failed(e.message),
    }
}

/// The briefing of `report`, linking the site when `[site] base_url` is set.
pub fn briefing(config: &Config, report: &DailyReport) -> Briefing {
    let site = SiteSettings::from_config(config, std::path::Path::new("."));
    Briefing::of(report, site.base_url.as_ref())
}

fn http_client(config: &Config) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .user_agent(config.user_agent())
        .timeout(Duration::from_secs(config.sources.timeout_secs.get()))
        .connect_timeout(Duration::from_secs(
            config.sources.connect_timeout_secs.get(),
        ))
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))
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

/// Writes `report` (atomically) and then publishes it: the step every command that produces a
/// report ends with.
pub(crate) async fn write_and_publish(
    services: &crate::Services,
    report: &DailyReport,
) -> Result<(paperbrief_report::ReportFiles, Published), crate::OrchestratorError> {
    let files = crate::day::write_report(services.reports(), report).await?;
    let published = after_report(
        services.config(),
        services.reports(),
        services.store(),
        report,
    )
    .await;
    Ok((files, published))
}
