//! Telegram Bot API: `POST {api_base}/bot{token}/sendMessage` with `chat_id`, `parse_mode:
//! "HTML"` (text escaped) and messages of at most 4,096 characters, split in order.

use serde_json::{Value, json};

use super::discord::{listed, split};
use super::{Verdict, more};
use crate::briefing::Briefing;
use crate::text::{cut_chars, html};

/// Telegram's message limit, in characters.
pub const MAX_TEXT: usize = 4096;

/// The messages' bodies for `briefing` with at most `top` papers.
pub fn bodies(b: &Briefing, top: usize, chat_id: &str) -> Vec<Value> {
    let mut parts = vec![format!("<b>{}</b>\n{}", html(&b.title), html(&b.counts()))];
    if b.all_failed() {
        parts = vec![html(&b.failure_notice())];
    } else if !b.lead().is_empty() {
        parts.push(html(&b.lead().join("\n")));
    }
    let n = listed(b, top);
    for (i, p) in b.papers[..n].iter().enumerate() {
        parts.push(format!(
            "<b>{}.</b> <a href=\"{}\">{}</a> ▲{}\n{}",
            b.first + i,
            html(&p.url),
            html(&cut_chars(&p.title, 200)),
            p.upvotes,
            html(&cut_chars(&p.caption(), 600))
        ));
    }
    if let Some(line) = more(n, b.papers.len()) {
        parts.push(line);
    }
    if let Some(url) = &b.url {
        parts.push(format!("<a href=\"{}\">完整报告</a>", html(url)));
    }
    split(&parts, MAX_TEXT)
        .into_iter()
        .map(|text| json!({"chat_id": chat_id, "text": text, "parse_mode": "HTML", "disable_web_page_preview": true}))
        .collect()
}

/// `{"ok": true}`; otherwise its description.
pub fn verdict(body: &str) -> Verdict {
    let v: Value = serde_json::from_str(body).unwrap_or_default();
    if v.get("ok").and_then(Value::as_bool) == Some(true) {
        return Verdict::Delivered;
    }
    Verdict::Rejected(
        v.get("description")
            .and_then(Value::as_str)
            .unwrap_or(body)
            .to_owned(),
    )
}
