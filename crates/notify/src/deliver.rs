//! Delivering a briefing to one channel: its secrets from the environment, its requests in
//! order, each retried on transient failures (connection errors, 5xx, 429 with `Retry-After`,
//! the platforms' own rate-limit codes) and judged by the platform's answer.

use std::time::{SystemTime, UNIX_EPOCH};

use paperbrief_core::{ChannelKind, EmailChannel, EnvVar, HttpUrl, NotifyChannel, TelegramBot};
use paperbrief_http::RetryPolicy;

use crate::briefing::Briefing;
use crate::email;
use crate::error::{NotifyError, SetupError};
use crate::platforms::{self, Request, Secrets, Verdict, telegram};

/// Everything a delivery needs besides the briefing.
pub struct Delivery<'a> {
    /// The channel.
    pub channel: &'a NotifyChannel,
    /// Reads an environment variable (the process's, or a test's).
    pub env: &'a (dyn Fn(&str) -> Option<String> + Sync),
    /// The HTTP client (timeouts, User-Agent).
    pub http: &'a reqwest::Client,
    /// Retries of transient failures.
    pub retry: RetryPolicy,
}

/// What was delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivered {
    /// Messages sent (requests, or one email).
    pub messages: usize,
    /// Bytes of payload sent.
    pub bytes: usize,
}

/// A channel with its secrets read from the environment: where a delivery goes.
enum Target<'a> {
    /// A webhook platform: the URL (holding its token) and the signing secret.
    Hook {
        kind: ChannelKind,
        url: String,
        secret: Option<String>,
    },
    /// A Telegram bot.
    Telegram { bot: &'a TelegramBot, token: String },
    /// Email over SMTP.
    Email {
        channel: &'a EmailChannel,
        smtp_url: String,
    },
}

impl Target<'_> {
    /// Every secret the target holds, for redacting messages.
    fn secrets(&self) -> Vec<&str> {
        match self {
            Self::Hook { url, secret, .. } => std::iter::once(url.as_str())
                .chain(secret.as_deref())
                .collect(),
            Self::Telegram { token, .. } => vec![token.as_str()],
            Self::Email { smtp_url, .. } => vec![smtp_url.as_str()],
        }
    }
}

/// Sends `briefing` to the channel.
pub async fn deliver(d: &Delivery<'_>, briefing: &Briefing) -> Result<Delivered, NotifyError> {
    let name = d.channel.label();
    let target = target(d.channel, d.env)?;
    if let Target::Email { channel, smtp_url } = &target {
        let bytes = email::send(name, channel, briefing, smtp_url).await?;
        return Ok(Delivered { messages: 1, bytes });
    }
    let requests = build(d.channel, briefing, &target)?;
    let mut bytes = 0;
    let gap = platforms::min_gap(d.channel.kind());
    for (i, request) in requests.iter().enumerate() {
        if i > 0 {
            // In order, within the platform's rate limit.
            tokio::time::sleep(gap).await;
        }
        let body = request.body.to_string();
        bytes += body.len();
        d.retry
            .run(&format!("delivery to {name}"), || {
                post(d, request, &body, &target)
            })
            .await?;
    }
    Ok(Delivered {
        messages: requests.len(),
        bytes,
    })
}

/// Whether the channel could deliver: every variable it names is set and holds what it should
/// (an http(s) webhook URL, an SMTP URL of a known scheme, addresses that parse). Sends nothing.
pub fn check(
    channel: &NotifyChannel,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Result<(), NotifyError> {
    let name = channel.label();
    match target(channel, env)? {
        Target::Hook { url, .. } => {
            let ok = url::Url::parse(&url)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host());
            if !ok {
                let var = channel.variables()[0].1;
                return Err(NotifyError::fatal(
                    name,
                    format!("{var} does not hold an http(s) URL (its value is not shown)"),
                ));
            }
            Ok(())
        }
        Target::Telegram { .. } => Ok(()),
        Target::Email { channel, smtp_url } => email::check(name, channel, &smtp_url),
    }
}

/// The payloads a delivery would send, with the URLs' secrets replaced by the variable naming
/// them (`--dry-run`); an email shows its plain-text part. A variable that is not set is an
/// error naming it, as for a real delivery.
pub fn preview(
    channel: &NotifyChannel,
    briefing: &Briefing,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Result<Vec<(String, String)>, NotifyError> {
    let target = target(channel, env)?;
    if let NotifyChannel::Email(c) = channel {
        let (subject, text, _) = email::parts(briefing);
        return Ok(vec![(
            format!("mail to {}", c.to.join(", ")),
            format!("Subject: {subject}\n\n{text}"),
        )]);
    }
    let shown = channel.variables()[0].1.to_string();
    let requests = build(channel, briefing, &target)?;
    Ok(requests
        .into_iter()
        .map(|r| {
            let body = serde_json::to_string_pretty(&r.body).unwrap_or_else(|e| e.to_string());
            (format!("POST <{shown}>"), redact(body, &target))
        })
        .collect())
}

fn build(
    channel: &NotifyChannel,
    briefing: &Briefing,
    target: &Target<'_>,
) -> Result<Vec<Request>, NotifyError> {
    let top = channel.top().get() as usize;
    let name = channel.label();
    match target {
        Target::Telegram { bot, token } => {
            let base = bot
                .api_base
                .as_ref()
                .map_or("https://api.telegram.org", HttpUrl::expose)
                .trim_end_matches('/');
            Ok(telegram::bodies(briefing, top, &bot.chat_id)
                .into_iter()
                .map(|body| Request {
                    url: format!("{base}/bot{token}/sendMessage"),
                    body,
                })
                .collect())
        }
        Target::Hook { kind, url, secret } => {
            let secrets = Secrets {
                url: Some(url.clone()),
                secret: secret.clone(),
                token: None,
            };
            platforms::requests(*kind, briefing, top, &secrets, now_ms())
                .map_err(|e| NotifyError::fatal(name, e.to_string()))
        }
        Target::Email { .. } => Err(NotifyError::fatal(
            name,
            SetupError::NotAWebhook("email").to_string(),
        )),
    }
}

/// One POST, judged.
async fn post(
    d: &Delivery<'_>,
    request: &Request,
    body: &str,
    target: &Target<'_>,
) -> Result<(), NotifyError> {
    let name = d.channel.label();
    let redact = |text: String| redact(text, target);
    let response = d
        .http
        .post(&request.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body.to_owned())
        .send()
        .await
        .map_err(|e| {
            NotifyError::transient(
                name,
                redact(format!("cannot reach the platform ({})", root_cause(&e))),
                None,
            )
        })?;
    let status = response.status().as_u16();
    let retry_after = paperbrief_http::retry_after(response.headers());
    let text = response.text().await.unwrap_or_default();
    let verdict = match d.channel.kind() {
        ChannelKind::Telegram if status != 429 && (200..300).contains(&status) => {
            telegram::verdict(&text)
        }
        kind => platforms::verdict(kind, status, retry_after, &text),
    };
    match verdict {
        Verdict::Delivered => Ok(()),
        Verdict::RateLimited(wait) => Err(NotifyError::transient(
            name,
            "the platform says: too many messages",
            wait,
        )),
        Verdict::Rejected(why) if status >= 500 => {
            Err(NotifyError::transient(name, redact(why), retry_after))
        }
        Verdict::Rejected(why) => Err(NotifyError::fatal(
            name,
            redact(format!("the platform refused the message: {why}")),
        )),
    }
}

/// The channel's target, its secrets read from the variables it names; a variable that is
/// not set is an error naming it (never its value).
fn target<'a>(
    channel: &'a NotifyChannel,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Result<Target<'a>, NotifyError> {
    let read = |var: &EnvVar, key: &str| -> Result<String, NotifyError> {
        env(var.as_str())
            .filter(|s| !s.trim().is_empty())
            .map(|s| s.trim().to_owned())
            .ok_or_else(|| {
                NotifyError::fatal(
                    channel.label(),
                    format!("{var} is not set (the channel's {key}); set it in the environment"),
                )
            })
    };
    let kind = channel.kind();
    Ok(match channel {
        NotifyChannel::Feishu(c) | NotifyChannel::Dingtalk(c) => Target::Hook {
            kind,
            url: read(&c.url_env, "url_env")?,
            secret: c
                .secret_env
                .as_ref()
                .map(|v| read(v, "secret_env"))
                .transpose()?,
        },
        NotifyChannel::Wecom(c)
        | NotifyChannel::Slack(c)
        | NotifyChannel::Discord(c)
        | NotifyChannel::Webhook(c) => Target::Hook {
            kind,
            url: read(&c.url_env, "url_env")?,
            secret: None,
        },
        NotifyChannel::Telegram(bot) => Target::Telegram {
            bot,
            token: read(&bot.token_env, "token_env")?,
        },
        NotifyChannel::Email(c) => Target::Email {
            channel: c,
            smtp_url: read(&c.smtp_url_env, "smtp_url_env")?,
        },
    })
}

/// A message with every secret it might quote replaced by `***`.
fn redact(mut text: String, target: &Target<'_>) -> String {
    for s in target.secrets() {
        if s.len() >= 4 {
            text = text.replace(s, "***");
        }
    }
    text
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}
