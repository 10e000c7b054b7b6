//! Email (lettre over SMTP): `multipart/alternative` with a plain-text and an HTML part holding
//! the whole day — every paper's five sections, sanitised — and a subject naming the date. The
//! top papers' key figures (the store's re-encoded copies) travel inline: the HTML part is then
//! `multipart/related` with one `Content-ID` image per figure, so no mail client fetches
//! anything remote.
//! `smtp://user:pass@host:587` uses STARTTLS (plain only to loopback), `smtps://…` TLS.

use std::time::Duration;

use std::collections::BTreeMap;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use paperbrief_core::EmailChannel;
use paperbrief_core::SectionName;
use paperbrief_report::Outcome;

use crate::briefing::{Briefing, Kind};
use crate::error::{NotifyError, SetupError};
use crate::text::plain;

/// The subject, the plain-text part and the HTML part: every paper the briefing lists (the
/// whole day, or an update's changed papers) with its five sections.
pub fn parts(b: &Briefing) -> (String, String, String) {
    compose(b, &BTreeMap::new())
}

/// A key figure carried inline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineFigure {
    /// Its `Content-ID` (without the angle brackets), which the HTML names as `cid:…`.
    pub cid: String,
    /// `image/png` or `image/jpeg`.
    pub mime: &'static str,
    /// The image.
    pub bytes: Vec<u8>,
    /// Its caption.
    pub caption: String,
    /// Its width in pixels.
    pub width: u32,
}

/// The inline figures of the first `top` papers the briefing lists that have a kept figure
/// (by arXiv id); a file that cannot be read is left out.
pub async fn figures(b: &Briefing, top: usize) -> BTreeMap<String, InlineFigure> {
    let mut out = BTreeMap::new();
    let Some(dir) = &b.figures else {
        return out;
    };
    for line in b.top(top) {
        let shown = b
            .report
            .entries
            .iter()
            .find(|e| e.paper.id.base() == line.id)
            .and_then(|e| e.source.as_ref()?.figure.as_ref()?.shown());
        let Some((figure, file)) = shown else {
            continue;
        };
        let Ok(bytes) = tokio::fs::read(dir.join(file.name.as_str())).await else {
            continue;
        };
        out.insert(
            line.id.clone(),
            InlineFigure {
                cid: format!("figure-{}@paperbrief", out.len() + 1),
                mime: file.name.mime(),
                bytes,
                caption: figure.caption.clone(),
                width: file.width,
            },
        );
    }
    out
}

/// The subject, the plain-text part and the HTML part, with `figures` (by arXiv id) inline.
pub fn compose(b: &Briefing, figures: &BTreeMap<String, InlineFigure>) -> (String, String, String) {
    let subject = match b.kind {
        Kind::Day => format!("{}（{} 篇）", b.title, b.stats.papers),
        Kind::Update | Kind::Test => b.title.clone(),
    };
    let mut text = format!("{}\n{}\n", b.title, b.counts());
    let mut html = format!(
        "<h1>{}</h1><p>{}</p>",
        escape(&b.title),
        escape(&b.counts()),
    );
    for line in b.lead() {
        text.push_str(&format!("{line}\n"));
        html.push_str(&format!("<p>{}</p>", escape(&line)));
    }
    if let Some(url) = &b.url {
        text.push_str(&format!("完整报告：{url}\n"));
        html.push_str(&format!("<p><a href=\"{}\">完整报告</a></p>", escape(url)));
    }
    let entries = b.papers.iter().filter_map(|line| {
        let entry = b
            .report
            .entries
            .iter()
            .find(|e| e.paper.id.base() == line.id);
        entry.map(|e| (e, line))
    });
    let mut body = String::new();
    for (i, (entry, line)) in entries.enumerate() {
        text.push_str(&format!(
            "\n{}. {} ▲{}\n{}\n",
            b.first + i,
            entry.paper.title,
            line.upvotes,
            line.url
        ));
        html.push_str(&format!(
            "<h2>{}. <a href=\"{}\">{}</a> <small>▲{}</small></h2>",
            b.first + i,
            escape(&line.url),
            escape(&entry.paper.title),
            line.upvotes
        ));
        if let Some(f) = figures.get(&line.id) {
            text.push_str(&format!("图：{}\n", f.caption));
            // Sanitised up to here; the figure's markup is ours (a `cid:` source the
            // sanitiser would drop).
            body.push_str(&paperbrief_report::html::clean(&std::mem::take(&mut html)));
            body.push_str(&format!(
                "<figure><img src=\"cid:{}\" width=\"{}\" alt=\"{}\"><figcaption>{}</figcaption></figure>",
                escape(&f.cid),
                f.width.min(600),
                escape(&f.caption),
                escape(&f.caption)
            ));
        }
        match &entry.outcome {
            Outcome::Ok { brief, .. } => {
                for name in SectionName::ALL {
                    let content = brief.section(name);
                    text.push_str(&format!("{}：{}\n", name.zh(), plain(content)));
                    html.push_str(&format!(
                        "<h3>{}</h3>{}",
                        name.zh(),
                        paperbrief_report::html::markdown(content)
                    ));
                }
            }
            Outcome::Failed(f) => {
                text.push_str(&format!(
                    "简报生成失败：{}\n摘要：{}\n",
                    f.for_readers(),
                    entry.paper.abstract_text
                ));
                html.push_str(&format!(
                    "<p>⚠️ 简报生成失败：{}</p><p>{}</p>",
                    escape(&f.for_readers()),
                    escape(&entry.paper.abstract_text)
                ));
            }
            Outcome::Pending => {
                text.push_str(&format!(
                    "尚未生成简报\n摘要：{}\n",
                    entry.paper.abstract_text
                ));
                html.push_str(&format!(
                    "<p>⏳ 尚未生成简报</p><p>{}</p>",
                    escape(&entry.paper.abstract_text)
                ));
            }
        }
    }
    body.push_str(&paperbrief_report::html::clean(&html));
    let html = format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"></head><body>{body}</body></html>"
    );
    (subject, text, html)
}

/// `multipart/alternative` of the text and the HTML; with figures, the HTML is
/// `multipart/related` with each figure inline under its `Content-ID`.
fn body(text: String, html: String, figures: BTreeMap<String, InlineFigure>) -> MultiPart {
    if figures.is_empty() {
        return MultiPart::alternative_plain_html(text, html);
    }
    let mut related = MultiPart::related().singlepart(SinglePart::html(html));
    for f in figures.into_values() {
        #[allow(clippy::expect_used)]
        let kind = ContentType::parse(f.mime).expect("a static MIME type");
        related = related.singlepart(Attachment::new_inline(f.cid).body(f.bytes, kind));
    }
    MultiPart::alternative()
        .singlepart(SinglePart::plain(text))
        .multipart(related)
}

/// Whether the channel could send: the SMTP URL makes a transport, the sender and every
/// recipient parse as addresses. Sends nothing.
pub fn check(name: &str, channel: &EmailChannel, smtp_url: &str) -> Result<(), NotifyError> {
    let fatal = |m: String| NotifyError::fatal(name, m);
    transport(smtp_url).map_err(|e| fatal(e.to_string()))?;
    addresses(channel).map_err(fatal)?;
    Ok(())
}

/// The sender and the recipients, parsed.
fn addresses(channel: &EmailChannel) -> Result<(Mailbox, Vec<Mailbox>), String> {
    let from: Mailbox = channel
        .from
        .parse()
        .map_err(|e| format!("`from` is not an address: {e}"))?;
    let to = channel
        .to
        .iter()
        .map(|to| {
            to.parse::<Mailbox>()
                .map_err(|e| format!("`to` address `{to}`: {e}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((from, to))
}

/// Sends the briefing to the channel's recipients over the SMTP server `smtp_url` names;
/// returns the message's size.
pub async fn send(
    name: &str,
    channel: &EmailChannel,
    b: &Briefing,
    smtp_url: &str,
) -> Result<usize, NotifyError> {
    let fatal = |m: String| NotifyError::fatal(name, m);
    let transport = transport(smtp_url).map_err(|e| fatal(e.to_string()))?;
    let (from, to) = addresses(channel).map_err(fatal)?;
    let mut message = Message::builder().from(from);
    for to in to {
        message = message.to(to);
    }
    let figures = figures(b, channel.top.get() as usize).await;
    let (subject, text, html) = compose(b, &figures);
    let message = message
        .subject(subject)
        .multipart(body(text, html, figures))
        .map_err(|e| fatal(format!("cannot build the message: {e}")))?;
    let size = message.formatted().len();
    match transport.send(message).await {
        Ok(_) => Ok(size),
        Err(e) if e.is_permanent() => Err(fatal(format!(
            "the SMTP server refused the message: {}",
            root(&e)
        ))),
        Err(e) => Err(NotifyError::transient(
            name,
            format!("SMTP: {}", root(&e)),
            None,
        )),
    }
}

/// The transport `url` describes. A message names what is wrong, never the password.
fn transport(url: &str) -> Result<AsyncSmtpTransport<Tokio1Executor>, SetupError> {
    let u = url::Url::parse(url)
        .map_err(|_| SetupError::NotAUrl("SMTP URL (smtp://user:pass@host:587)"))?;
    let host = u.host_str().ok_or(SetupError::NoHost)?.to_owned();
    let loopback = matches!(host.as_str(), "localhost" | "127.0.0.1" | "[::1]" | "::1");
    let builder = match u.scheme() {
        "smtps" => {
            AsyncSmtpTransport::<Tokio1Executor>::relay(&host)?.port(u.port().unwrap_or(465))
        }
        "smtp" if loopback => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&host)
            .port(u.port().unwrap_or(25)),
        "smtp" => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&host)?
            .port(u.port().unwrap_or(587)),
        other => return Err(SetupError::SmtpScheme(other.to_owned())),
    };
    let mut builder = builder.timeout(Some(Duration::from_secs(30)));
    if !u.username().is_empty() {
        builder = builder.credentials(Credentials::new(
            percent_decode(u.username()),
            percent_decode(u.password().unwrap_or_default()),
        ));
    }
    Ok(builder.build())
}

/// A URL's user or password as written before percent-encoding (`%40` is `@`; `+` stays).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn root(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

fn escape(text: &str) -> String {
    crate::text::html(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_percent_decoded_and_schemes_checked() {
        assert_eq!(percent_decode("p%40ss+w%2Fd"), "p@ss+w/d");
        assert!(transport("smtp://u:p@127.0.0.1:2525").is_ok());
        assert!(transport("smtps://u:p@mail.example.org").is_ok());
        let e = transport("http://mail.example.org")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("`http`"), "{e}");
        let e = transport("not a url")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            !e.contains("not a url"),
            "the URL (maybe holding a password) is never echoed: {e}"
        );
    }
}
