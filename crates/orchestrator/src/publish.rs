//! After a report is written: the site pages it touches are rebuilt (when `[site] dir` is set),
//! then each `[[notify]]` channel is sent the report once — deliveries are recorded in the store
//! (channel and day), so a rerun, a resumed run or `paper` sends nothing again. What happens here
//! never undoes the report: each failure is reported beside it, one channel's never stops
//! another's.

use std::path::PathBuf;

use paperbrief_core::{Config, NotifyChannel};
use paperbrief_http::{ClientSettings, RetryPolicy};
use paperbrief_notify::{Briefing, Delivered, Delivery, Kind, deliver};
use paperbrief_report::{DailyReport, ReportKey, ReportPaths};
use paperbrief_site::{BuildSummary, Site, SiteSettings};

use crate::store::{DeliveryRecord, Store};

/// What publishing a report did.
#[derive(Debug, Default)]
pub struct Published {
    /// The site rebuild, when a site is configured: what changed, or why it failed.
    pub site: Option<Result<BuildSummary, PublishError>>,
    /// Each channel's delivery.
    pub channels: Vec<ChannelResult>,
}

/// One channel's delivery of a report.
#[derive(Debug)]
pub struct ChannelResult {
    /// The channel's name.
    pub channel: String,
    /// What happened.
    pub outcome: ChannelOutcome,
}

/// What happened to one channel.
#[derive(Debug)]
pub enum ChannelOutcome {
    /// Sent now.
    Sent(Delivered),
    /// The day was sent before; what changed since was sent now, as one update.
    Updated {
        /// The update's title (`【更新】2026-02-10：3 篇简报已补全`).
        title: String,
        /// What was sent.
        delivered: Delivered,
    },
    /// Sent before (at that time) and nothing it told has changed; nothing sent again.
    AlreadySent(chrono::DateTime<chrono::Utc>),
    /// Not sent: this many papers are still pending; sent when the day is finished.
    Held {
        /// Papers still pending.
        pending: usize,
    },
    /// Not sent: no paper has a brief and every failure is the endpoint's setup (unreachable,
    /// key refused, model not found): the operator is told, not the group.
    Withheld {
        /// The first failure's reason.
        reason: String,
    },
    /// Not sent: the channel's profile has no "for you" paper that day (recorded as delivered).
    NothingFor {
        /// The profile.
        profile: String,
    },
    /// Sending failed.
    Failed(PublishError),
}

/// What went wrong after a report was written: it stays written.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The site could not be rebuilt.
    #[error(transparent)]
    Site(#[from] paperbrief_site::SiteError),
    /// The site build's task stopped.
    #[error("the site build stopped: {0}")]
    Stopped(#[from] tokio::task::JoinError),
    /// No HTTP client for the channels (one error, shared by every channel).
    #[error(transparent)]
    Http(std::sync::Arc<paperbrief_http::HttpError>),
    /// A channel could not be delivered to (what went wrong; the channel is named beside it).
    #[error("{}", .0.message)]
    Notify(paperbrief_notify::NotifyError),
}

impl From<paperbrief_notify::NotifyError> for PublishError {
    fn from(e: paperbrief_notify::NotifyError) -> Self {
        Self::Notify(e)
    }
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

/// Rebuilds the site pages of `report` and of the other reports `also` names (days whose
/// entries learned of this one), the index and the feed when `[site] dir` is set, then
/// sends it to every channel that has not had it — unless some of its papers are still pending
/// (a subset run): the day goes out once, finished.
pub async fn after_report(
    config: &Config,
    reports: &ReportPaths,
    store: &Store,
    report: &DailyReport,
    also: Vec<ReportKey>,
) -> Published {
    let key = match &report.period {
        Some(p) => ReportKey::Digest(p.period),
        None => ReportKey::Day(report.date),
    };
    let mut keys = vec![key];
    keys.extend(also);
    let site = match config.site.dir.clone() {
        Some(dir) => Some(rebuild_site(config, reports, store, dir, keys).await),
        None => None,
    };
    let pending = report.stats.pending;
    let withheld = setup_failure(report);
    let channels = if pending > 0 || withheld.is_some() {
        let outcome = || match &withheld {
            Some(reason) if pending == 0 => ChannelOutcome::Withheld {
                reason: reason.clone(),
            },
            _ => ChannelOutcome::Held { pending },
        };
        config
            .notify
            .iter()
            .map(|c| ChannelResult {
                channel: c.label().to_owned(),
                outcome: outcome(),
            })
            .collect()
    } else {
        send(config, store, report, SendOptions::default()).await
    };
    Published { site, channels }
}

/// A profile's channel on a day with nothing for the profile: no message, but the delivery is
/// recorded (told of nothing), so a rerun sends nothing and a later pick is sent as the day.
async fn nothing_for(
    store: &Store,
    briefing: &Briefing,
    channel: &NotifyChannel,
    profile: &str,
    first: bool,
) -> ChannelOutcome {
    if first {
        let record = DeliveryRecord {
            at: chrono::Utc::now(),
            messages: 0,
            told: Some(paperbrief_notify::Told::default()),
            updates: 0,
        };
        if let Err(e) = store
            .put_delivery(&briefing.key, channel.label(), &record)
            .await
        {
            tracing::warn!(target: "paperbrief::notify", "{e}");
        }
    }
    ChannelOutcome::NothingFor {
        profile: profile.to_owned(),
    }
}

/// When the day has no brief and every failure is the endpoint's setup: the first reason.
fn setup_failure(report: &DailyReport) -> Option<String> {
    let failures: Vec<&paperbrief_report::Failure> = report
        .entries
        .iter()
        .filter_map(|e| match &e.outcome {
            paperbrief_report::Outcome::Failed(f) => Some(f),
            _ => None,
        })
        .collect();
    let all_setup = !failures.is_empty() && failures.iter().all(|f| f.kind.is_setup());
    (report.stats.briefs == 0 && all_setup).then(|| failures[0].reason.clone())
}

/// Sends `report` to the configured channels (or the one named), each once unless `force`.
pub async fn send(
    config: &Config,
    store: &Store,
    report: &DailyReport,
    opts: SendOptions<'_>,
) -> Vec<ChannelResult> {
    let briefing = briefing(config, report).with_figures(store.figures_dir());
    let http = match ClientSettings::sources(config).build() {
        Ok(c) => c,
        Err(e) => {
            let e = std::sync::Arc::new(e);
            return config
                .notify
                .iter()
                .map(|c| ChannelResult {
                    channel: c.label().to_owned(),
                    outcome: ChannelOutcome::Failed(PublishError::Http(std::sync::Arc::clone(&e))),
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
    let previous = store.delivery(&briefing.key, channel.label()).await;
    let profiled;
    let briefing = match channel.common().profile {
        None => briefing,
        Some(name) => match briefing.for_profile(name) {
            Some(b) => {
                profiled = b;
                &profiled
            }
            None => return nothing_for(store, briefing, channel, name, previous.is_none()).await,
        },
    };
    let message = match previous.as_ref().filter(|_| !force) {
        None => briefing.clone(),
        Some(record) => match record.told.as_ref().and_then(|told| briefing.since(told)) {
            Some(update) => update,
            None => return ChannelOutcome::AlreadySent(record.at),
        },
    };
    let env = |name: &str| std::env::var(name).ok();
    let delivery = Delivery {
        channel,
        env: &env,
        http,
        retry: RetryPolicy::sources(config),
    };
    let sent = match deliver(&delivery, &message).await {
        Ok(sent) => sent,
        Err(e) => return ChannelOutcome::Failed(e.into()),
    };
    let update = message.kind == Kind::Update;
    let record = DeliveryRecord {
        at: chrono::Utc::now(),
        messages: sent.messages,
        told: Some(briefing.told()),
        updates: previous.map_or(0, |p| p.updates) + u32::from(update),
    };
    if let Err(e) = store
        .put_delivery(&briefing.key, channel.label(), &record)
        .await
    {
        tracing::warn!(target: "paperbrief::notify", "{e}; a later run may send it again");
    }
    if update {
        ChannelOutcome::Updated {
            title: message.title,
            delivered: sent,
        }
    } else {
        ChannelOutcome::Sent(sent)
    }
}

/// The briefing of `report`, linking the site when `[site] base_url` is set.
pub fn briefing(config: &Config, report: &DailyReport) -> Briefing {
    Briefing::of(report, site_url(config).as_ref())
}

/// Where the site is published (`[site] base_url`, as the site builder reads it), if it is.
pub(crate) fn site_url(config: &Config) -> Option<url::Url> {
    SiteSettings::from_config(config, std::path::Path::new(".")).base_url
}

/// The site's settings from `[site]`, writing to `out`, showing the key figures `store` keeps.
pub fn site_settings(config: &Config, store: &Store, out: &std::path::Path) -> SiteSettings {
    SiteSettings::from_config(config, out).with_figures(store.figures_dir())
}

async fn rebuild_site(
    config: &Config,
    reports: &ReportPaths,
    store: &Store,
    dir: PathBuf,
    touched: Vec<ReportKey>,
) -> Result<BuildSummary, PublishError> {
    let settings = site_settings(config, store, &dir);
    let reports = reports.clone();
    let built =
        tokio::task::spawn_blocking(move || Site::new(settings)?.rebuild(&reports, &touched))
            .await?;
    Ok(built?)
}

/// Writes `report` (atomically) and then publishes it: the step every command that produces a
/// report ends with.
pub(crate) async fn write_and_publish(
    services: &crate::Services,
    report: &DailyReport,
) -> Result<(paperbrief_report::ReportFiles, Published), crate::OrchestratorError> {
    let mut report = report.clone();
    let others = crate::remember::other_days(services.reports(), &report).await;
    crate::related::relate(services, &mut report, &others).await;
    let touched = crate::remember::remember(services.reports(), &mut report, others).await?;
    let files = crate::day::write_report(services.reports(), &report).await?;
    let published = after_report(
        services.config(),
        services.reports(),
        services.store(),
        &report,
        touched,
    )
    .await;
    Ok((files, published))
}
