//! Each platform's message: its JSON shape, its limits (the message is trimmed — fewer papers,
//! a "see the full report" line — or split in order, never left for the platform to reject),
//! and how its answers say success, failure or "too fast".

pub mod dingtalk;
pub mod discord;
pub mod feishu;
pub mod slack;
pub mod telegram;
pub mod webhook;
pub mod wecom;

use std::time::Duration;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use paperbrief_core::ChannelKind;
use serde_json::Value;
use sha2::Sha256;

use crate::briefing::Briefing;
use crate::error::SetupError;

/// The secrets a channel's environment variables hold.
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    /// The webhook URL.
    pub url: Option<String>,
    /// The signing secret.
    pub secret: Option<String>,
    /// Telegram's bot token.
    pub token: Option<String>,
}

/// One HTTP request of a delivery.
#[derive(Debug, Clone)]
pub struct Request {
    /// Where it goes (holds the token: never shown).
    pub url: String,
    /// The JSON body.
    pub body: Value,
}

/// What a platform's answer says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Delivered.
    Delivered,
    /// Too fast: try again, after this long when the platform says.
    RateLimited(Option<Duration>),
    /// Refused, with the platform's message.
    Rejected(String),
}

/// A platform's requests for a briefing: with a site, one message listing at most `top`
/// papers; without one (or for an update), every paper across as many messages as it takes. `now` is the signing
/// time (milliseconds since the epoch).
pub fn requests(
    kind: ChannelKind,
    briefing: &Briefing,
    top: usize,
    secrets: &Secrets,
    now_ms: u64,
) -> Result<Vec<Request>, SetupError> {
    let url = || secrets.url.clone().ok_or(SetupError::NoUrl);
    Ok(match kind {
        ChannelKind::Feishu => feishu::requests(
            briefing,
            top,
            &url()?,
            secrets.secret.as_deref(),
            now_ms / 1000,
        ),
        ChannelKind::Wecom => wecom::requests(briefing, top, &url()?),
        ChannelKind::Dingtalk => {
            dingtalk::requests(briefing, top, &url()?, secrets.secret.as_deref(), now_ms)?
        }
        ChannelKind::Slack => slack::requests(briefing, top, &url()?),
        ChannelKind::Discord => discord::requests(briefing, top, &url()?),
        ChannelKind::Webhook => vec![webhook::request(briefing, &url()?)],
        ChannelKind::Telegram | ChannelKind::Email => {
            return Err(SetupError::NotAWebhook(kind.as_str()));
        }
    })
}

/// The least time between two messages of one delivery, from each platform's documented rate
/// limit for a bot in one group: WeCom and DingTalk 20 a minute, Telegram 20 a minute in a
/// group, Slack about one a second, Feishu 5 a second (100 a minute), Discord 5 per 2 seconds.
pub fn min_gap(kind: ChannelKind) -> Duration {
    Duration::from_millis(match kind {
        ChannelKind::Wecom | ChannelKind::Dingtalk | ChannelKind::Telegram => 3_000,
        ChannelKind::Slack => 1_000,
        ChannelKind::Feishu => 600,
        ChannelKind::Discord => 400,
        ChannelKind::Webhook | ChannelKind::Email => 0,
    })
}

/// What the platform's answer (`status`, `body`) says.
pub fn verdict(
    kind: ChannelKind,
    status: u16,
    retry_after: Option<Duration>,
    body: &str,
) -> Verdict {
    if status == 429 {
        return Verdict::RateLimited(retry_after.or_else(|| json_retry_after(body)));
    }
    if !(200..300).contains(&status) {
        let message = body
            .lines()
            .next()
            .unwrap_or_default()
            .chars()
            .take(300)
            .collect::<String>();
        return Verdict::Rejected(format!("HTTP {status}: {message}"));
    }
    match kind {
        ChannelKind::Feishu => feishu::verdict(body),
        ChannelKind::Wecom | ChannelKind::Dingtalk => errcode_verdict(kind, body),
        _ => Verdict::Delivered,
    }
}

/// WeCom's and DingTalk's `{"errcode": 0, "errmsg": "ok"}`; their rate-limit codes are
/// 45009 (WeCom) and 130101 (DingTalk: "send too fast").
fn errcode_verdict(kind: ChannelKind, body: &str) -> Verdict {
    let v: Value = serde_json::from_str(body).unwrap_or_default();
    let code = v.get("errcode").and_then(Value::as_i64).unwrap_or(-1);
    let message = v.get("errmsg").and_then(Value::as_str).unwrap_or(body);
    match (kind, code) {
        (_, 0) => Verdict::Delivered,
        (ChannelKind::Wecom, 45009) | (ChannelKind::Dingtalk, 130_101) => {
            Verdict::RateLimited(None)
        }
        _ => Verdict::Rejected(format!("errcode {code}: {message}")),
    }
}

/// Discord's and Telegram's `retry_after` in a 429's JSON body (seconds).
fn json_retry_after(body: &str) -> Option<Duration> {
    let v: Value = serde_json::from_str(body).ok()?;
    let secs = v
        .get("retry_after")
        .or_else(|| v.pointer("/parameters/retry_after"))
        .and_then(Value::as_f64)?;
    Some(Duration::from_secs_f64(secs.clamp(0.0, 3600.0)))
}

/// base64 of HMAC-SHA256 over `message` keyed by `key`.
pub fn hmac_base64(key: &[u8], message: &[u8]) -> String {
    #[allow(clippy::expect_used)]
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(message);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The largest `n ≤ count` whose rendering `fits`, rendered (0 papers at worst).
pub fn fit<T>(count: usize, render: impl Fn(usize) -> T, fits: impl Fn(&T) -> bool) -> T {
    let (mut lo, mut hi) = (0, count);
    // The size grows with n: the largest that fits, by bisection.
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if fits(&render(mid)) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    render(lo)
}

/// The messages of a briefing, `render(page, n)` rendering the first `n` papers of a page:
/// with a site, one message with as many of the `top` papers as fit (the rest counted, the full
/// report linked); without one — or for an update — every paper, in as many messages as it
/// takes, each as full as `fits` allows.
pub fn messages<T>(
    b: &Briefing,
    top: usize,
    render: impl Fn(&Briefing, usize) -> T,
    fits: impl Fn(&T) -> bool,
) -> Vec<T> {
    if !b.every_paper() {
        return vec![fit(b.top(top).len(), |n| render(b, n), fits)];
    }
    if b.all_failed() || b.papers.is_empty() {
        return vec![render(b, 0)];
    }
    let mut out = Vec::new();
    let mut start = 0;
    while start < b.papers.len() {
        let rest = b.papers.len() - start;
        let page = |k: usize| b.page(start..start + k);
        // At least one paper a message: each text is cut to fit on its own.
        let (mut lo, mut hi) = (1, rest);
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            if fits(&render(&page(mid), mid)) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        out.push(render(&page(lo), lo));
        start += lo;
    }
    out
}

/// The header of a message: the title, and the counts unless it continues an earlier one.
pub fn header(b: &Briefing) -> (String, Option<String>) {
    (b.title.clone(), (!b.continued).then(|| b.counts()))
}

/// The line after a list cut short.
pub fn more(listed: usize, total: usize) -> Option<String> {
    (listed < total).then(|| format!("…另有 {} 篇，见完整报告", total - listed))
}
