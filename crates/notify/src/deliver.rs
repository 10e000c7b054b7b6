//! Delivering a briefing to one channel: its secrets from the environment, its requests in
//! order, each retried on transient failures (connection errors, 5xx, 429 with `Retry-After`,
//! the platforms' own rate-limit codes) and judged by the platform's answer.

use std::time::{SystemTime, UNIX_EPOCH};

use paperbrief_core::{ChannelKind, HttpUrl, NotifyChannel};
use paperbrief_http::RetryPolicy;

use crate::briefing::Briefing;
use crate::email;
use crate::error::NotifyError;
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

/// Sends `briefing` to the channel.
pub async fn deliver(d: &Delivery<'_>, briefing: &Briefing) -> Result<Delivered, NotifyError> {
    let name = d.channel.label();
    let secrets = secrets(d.channel, d.env)?;
    if d.channel.kind == ChannelKind::Email {
        let smtp = secrets.url.clone().unwrap_or_default();
        let bytes = email::send(d.channel, briefing, &smtp).await?;
        return Ok(Delivered { messages: 1, bytes });
    }
    let requests = build(d.channel, briefing, &secrets)?;
    let mut bytes = 0;
    for request in &requests {
        let body = request.body.to_string();
        bytes += body.len();
        d.retry
            .run(&format!("delivery to {name}"), || {
                post(d, request, &body, &secrets)
            })
            .await?;
    }
    Ok(Delivered {
        messages: requests.len(),
        bytes,
    })
}

/// The payloads a delivery would send, with the URLs' secrets replaced by the variable naming
/// them (`--dry-run`); an email shows its plain-text part.
pub fn preview(
    channel: &NotifyChannel,
    briefing: &Briefing,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Result<Vec<(String, String)>, NotifyError> {
    if channel.kind == ChannelKind::Email {
        let (subject, text, _) = email::parts(briefing);
        return Ok(vec![(
            format!("mail to {}", channel.to.join(", ")),
            format!("Subject: {subject}\n\n{text}"),
        )]);
    }
    // Placeholders stand for secrets that are not set: a dry run needs none.
    let mut secrets = secrets(channel, env).unwrap_or_default();
    let shown = channel
        .url_env
        .as_deref()
        .or(channel.token_env.as_deref())
        .unwrap_or("URL");
    secrets
        .url
        .get_or_insert_with(|| "https://example.invalid/webhook".into());
    secrets.token.get_or_insert_with(|| "TOKEN".into());
    let requests = build(channel, briefing, &secrets)?;
    Ok(requests
        .into_iter()
        .map(|r| {
            (
                format!("POST <{shown}>"),
                serde_json::to_string_pretty(&r.body).unwrap_or_default(),
            )
        })
        .collect())
}

fn build(
    channel: &NotifyChannel,
    briefing: &Briefing,
    secrets: &Secrets,
) -> Result<Vec<Request>, NotifyError> {
    let top = channel.top.get() as usize;
    let name = channel.label();
    if channel.kind == ChannelKind::Telegram {
        let token = secrets.token.as_deref().unwrap_or_default();
        let base = channel
            .api_base
            .as_ref()
            .map_or("https://api.telegram.org", HttpUrl::expose)
            .trim_end_matches('/');
        let chat = channel.chat_id.as_deref().unwrap_or_default();
        return Ok(telegram::bodies(briefing, top, chat)
            .into_iter()
            .map(|body| Request {
                url: format!("{base}/bot{token}/sendMessage"),
                body,
            })
            .collect());
    }
    platforms::requests(channel.kind, briefing, top, secrets, now_ms())
        .map_err(|e| NotifyError::fatal(name, e.to_string()))
}

/// One POST, judged.
async fn post(
    d: &Delivery<'_>,
    request: &Request,
    body: &str,
    secrets: &Secrets,
) -> Result<(), NotifyError> {
    let name = d.channel.label();
    let redact = |text: String| redact(text, secrets);
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
    let verdict = match d.channel.kind {
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

/// The channel's secrets, read from the variables it names; a variable that is named but not
/// set is an error naming it.
fn secrets(
    channel: &NotifyChannel,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Result<Secrets, NotifyError> {
    let read = |var: &Option<String>, what: &str| -> Result<Option<String>, NotifyError> {
        match var {
            None => Ok(None),
            Some(v) => env(v)
                .filter(|s| !s.trim().is_empty())
                .map(Some)
                .ok_or_else(|| {
                    NotifyError::fatal(
                        channel.label(),
                        format!("{v} is not set (the channel's {what}); set it in the environment"),
                    )
                }),
        }
    };
    Ok(Secrets {
        url: read(&channel.url_env, "url_env")?.or(read(&channel.smtp_url_env, "smtp_url_env")?),
        secret: read(&channel.secret_env, "secret_env")?,
        token: read(&channel.token_env, "token_env")?,
    })
}

/// A message with every secret it might quote replaced by `***`.
fn redact(mut text: String, secrets: &Secrets) -> String {
    for s in [&secrets.url, &secrets.secret, &secrets.token]
        .into_iter()
        .flatten()
    {
        if s.len() >= 4 {
            text = text.replace(s.as_str(), "***");
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
