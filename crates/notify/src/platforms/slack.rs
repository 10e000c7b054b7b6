//! Slack incoming webhook: a `text` fallback and Block Kit blocks — a header, the counts, a
//! section per paper (each at most 3,000 characters), at most 50 blocks.

use serde_json::{Value, json};

use super::{Request, more};
use crate::briefing::Briefing;
use crate::text::{cut_chars, inert};

/// Block Kit's limits.
pub const MAX_BLOCKS: usize = 50;
/// A section's text limit, in characters.
pub const MAX_SECTION: usize = 3000;

/// The blocks for `briefing` with at most `top` papers (and never more than the block limit).
pub fn request(b: &Briefing, top: usize, url: &str) -> Request {
    let mut blocks = vec![
        json!({"type": "header", "text": {"type": "plain_text", "text": cut_chars(&b.title, 150)}}),
        section(&inert(&b.counts())),
    ];
    // Header, counts, the trailer and the link leave room for the papers.
    let room = MAX_BLOCKS - 4;
    let n = if b.all_failed() {
        0
    } else {
        b.top(top).len().min(room)
    };
    if b.all_failed() {
        blocks.push(section(&inert(&b.failure_notice())));
    }
    for (i, p) in b.papers[..n].iter().enumerate() {
        blocks.push(section(&format!(
            "*{}. <{}|{}>* ▲{}\n{}",
            i + 1,
            p.url,
            inert(&cut_chars(&p.title, 200)),
            p.upvotes,
            inert(&cut_chars(
                p.contribution.as_deref().unwrap_or("（简报生成失败）"),
                1000
            ))
        )));
    }
    if let Some(line) = more(n, b.papers.len()).filter(|_| !b.all_failed()) {
        blocks.push(section(&line));
    }
    blocks.push(section(&format!("<{}|完整报告>", b.url)));
    Request {
        url: url.to_owned(),
        body: json!({"text": format!("{} — {}", b.title, b.counts()), "blocks": blocks}),
    }
}

fn section(mrkdwn: &str) -> Value {
    json!({"type": "section", "text": {"type": "mrkdwn", "text": cut_chars(mrkdwn, MAX_SECTION)}})
}
