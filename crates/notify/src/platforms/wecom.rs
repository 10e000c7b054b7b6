//! WeCom (企业微信) group bot: `msgtype: "markdown"`, content at most 4096 bytes of UTF-8 (several
//! messages, in order, when every paper is listed).

use serde_json::json;

use super::{Request, header, messages, more};
use crate::briefing::Briefing;
use crate::text::{cut_bytes, cut_chars, inert};

/// WeCom's content limit, in bytes.
pub const MAX_CONTENT: usize = 4096;

/// The Markdown messages for `briefing`: one with as many of the `top` papers as fit when there
/// is a site, else every paper across as many as it takes.
pub fn requests(briefing: &Briefing, top: usize, url: &str) -> Vec<Request> {
    messages(briefing, top, markdown, |c| c.len() <= MAX_CONTENT)
        .into_iter()
        .map(|content| Request {
            url: url.to_owned(),
            body: json!({"msgtype": "markdown", "markdown": {"content": cut_bytes(&content, MAX_CONTENT)}}),
        })
        .collect()
}

/// The message with the first `n` papers of `b`; also DingTalk's text.
pub fn markdown(b: &Briefing, n: usize) -> String {
    let (title, counts) = header(b);
    if b.all_failed() {
        return format!("**{}**\n{}", inert(&title), inert(&b.failure_notice()));
    }
    let mut out = format!("**{}**\n", inert(&title));
    if let Some(counts) = counts {
        out.push_str(&format!("> {}\n", inert(&counts)));
    }
    for line in b.lead() {
        out.push_str(&format!("> {}\n", inert(&line)));
    }
    for (i, p) in b.papers[..n].iter().enumerate() {
        out.push_str(&format!(
            "\n{}. [{}]({}) ▲{}\n> {}\n",
            b.first + i,
            inert(&cut_chars(&p.title, 150)),
            p.url,
            p.upvotes,
            inert(&cut_chars(&p.caption(), 200))
        ));
    }
    if let Some(line) = more(n, b.papers.len()) {
        out.push_str(&format!("\n{line}\n"));
    }
    if let Some(url) = &b.url {
        out.push_str(&format!("\n[完整报告]({url})"));
    }
    out
}
