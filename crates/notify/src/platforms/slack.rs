//! Slack incoming webhook: a `text` fallback and Block Kit blocks — a header, the counts, a
//! section per paper (each at most 3,000 characters), at most 50 blocks a message (several, in
//! order, when every paper is listed).

use serde_json::{Value, json};

use super::{Request, header, messages, more};
use crate::briefing::Briefing;
use crate::text::{cut_chars, inert};

/// Block Kit's limits.
pub const MAX_BLOCKS: usize = 50;
/// A section's text limit, in characters.
pub const MAX_SECTION: usize = 3000;

/// The messages for `briefing`: one with at most `top` papers (and never more than the block
/// limit) when there is a site, else every paper across as many as it takes.
pub fn requests(b: &Briefing, top: usize, url: &str) -> Vec<Request> {
    let blocks = |body: &Value| body["blocks"].as_array().map_or(0, Vec::len);
    messages(b, top, body, |m| blocks(m) <= MAX_BLOCKS)
        .into_iter()
        .map(|body| Request {
            url: url.to_owned(),
            body,
        })
        .collect()
}

fn body(b: &Briefing, n: usize) -> Value {
    let (title, counts) = header(b);
    let mut blocks = vec![
        json!({"type": "header", "text": {"type": "plain_text", "text": cut_chars(&title, 150)}}),
    ];
    blocks.extend(counts.iter().map(|c| section(&inert(c))));
    let lead = b.lead();
    if !lead.is_empty() && !b.all_failed() {
        blocks.push(section(&inert(&lead.join("\n"))));
    }
    if b.all_failed() {
        blocks.push(section(&inert(&b.failure_notice())));
    } else {
        for (i, p) in b.papers[..n].iter().enumerate() {
            blocks.push(section(&format!(
                "*{}. <{}|{}>* ▲{}\n{}",
                b.first + i,
                p.url,
                inert(&cut_chars(&p.title, 200)),
                p.upvotes,
                inert(&cut_chars(&p.caption(), 1000))
            )));
        }
        if let Some(line) = more(n, b.papers.len()) {
            blocks.push(section(&line));
        }
    }
    if let Some(url) = &b.url {
        blocks.push(section(&format!("<{url}|完整报告>")));
    }
    json!({"text": format!("{} — {}", title, b.counts()), "blocks": blocks})
}

fn section(mrkdwn: &str) -> Value {
    json!({"type": "section", "text": {"type": "mrkdwn", "text": cut_chars(mrkdwn, MAX_SECTION)}})
}
