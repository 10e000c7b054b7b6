//! Discord webhook: `content` messages of at most 2,000 characters, split in order when the
//! list is longer (sent with `?wait=true`, so a failure is seen).

use serde_json::json;

use super::{Request, more};
use crate::briefing::Briefing;
use crate::text::{cut_chars, inert};

/// Discord's content limit, in characters.
pub const MAX_CONTENT: usize = 2000;

/// The messages for `briefing` with at most `top` papers.
pub fn requests(b: &Briefing, top: usize, url: &str) -> Vec<Request> {
    let mut parts = vec![format!("**{}**\n{}", inert(&b.title), inert(&b.counts()))];
    if b.all_failed() {
        parts = vec![inert(&b.failure_notice())];
    } else if !b.lead().is_empty() {
        parts.push(inert(&b.lead().join("\n")));
    }
    let n = listed(b, top);
    for (i, p) in b.papers[..n].iter().enumerate() {
        parts.push(format!(
            "**{}. {}** ▲{}\n{}\n<{}>",
            b.first + i,
            inert(&cut_chars(&p.title, 200)),
            p.upvotes,
            inert(&cut_chars(&p.caption(), 500)),
            p.url
        ));
    }
    if let Some(line) = more(n, b.papers.len()) {
        parts.push(line);
    }
    if let Some(url) = &b.url {
        parts.push(format!("完整报告：<{url}>"));
    }
    let url = if url.contains('?') {
        format!("{url}&wait=true")
    } else {
        format!("{url}?wait=true")
    };
    split(&parts, MAX_CONTENT)
        .into_iter()
        .map(|content| Request {
            url: url.clone(),
            body: json!({"content": content, "allowed_mentions": {"parse": []}}),
        })
        .collect()
}

/// How many papers a splitting platform lists: every one when [`Briefing::every_paper`], else
/// the `top`; none when every paper failed.
pub fn listed(b: &Briefing, top: usize) -> usize {
    match (b.all_failed(), b.every_paper()) {
        (true, _) => 0,
        (false, true) => b.papers.len(),
        (false, false) => b.top(top).len(),
    }
}

/// `parts` joined by blank lines into messages of at most `max` characters, in order.
pub fn split(parts: &[String], max: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in parts {
        let part = cut_chars(part, max);
        match out.last_mut() {
            Some(last) if last.chars().count() + 2 + part.chars().count() <= max => {
                last.push_str("\n\n");
                last.push_str(&part);
            }
            _ => out.push(part),
        }
    }
    out
}
