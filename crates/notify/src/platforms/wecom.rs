//! WeCom (企业微信) group bot: `msgtype: "markdown"`, content at most 4096 bytes of UTF-8.

use serde_json::json;

use super::{Request, fit, more};
use crate::briefing::Briefing;
use crate::text::{cut_bytes, cut_chars, inert};

/// WeCom's content limit, in bytes.
pub const MAX_CONTENT: usize = 4096;

/// The Markdown message with as many of the `top` papers as fit.
pub fn request(briefing: &Briefing, top: usize, url: &str) -> Request {
    let n = briefing.top(top).len();
    let content = fit(n, |k| markdown(briefing, k), |c| c.len() <= MAX_CONTENT);
    Request {
        url: url.to_owned(),
        body: json!({"msgtype": "markdown", "markdown": {"content": cut_bytes(&content, MAX_CONTENT)}}),
    }
}

/// The message with `n` papers; also DingTalk's text.
pub fn markdown(b: &Briefing, n: usize) -> String {
    if b.all_failed() {
        return format!("**{}**\n{}", inert(&b.title), inert(&b.failure_notice()));
    }
    let mut out = format!("**{}**\n> {}\n", inert(&b.title), inert(&b.counts()));
    for (i, p) in b.papers[..n].iter().enumerate() {
        out.push_str(&format!(
            "\n{}. [{}]({}) ▲{}\n> {}\n",
            i + 1,
            inert(&cut_chars(&p.title, 150)),
            p.url,
            p.upvotes,
            inert(&cut_chars(
                p.contribution.as_deref().unwrap_or("（简报生成失败）"),
                200
            ))
        ));
    }
    if let Some(line) = more(n, b.papers.len()) {
        out.push_str(&format!("\n{line}\n"));
    }
    out.push_str(&format!("\n[完整报告]({})", b.url));
    out
}
