//! Feishu (Lark) custom bot: an `interactive` card (several, in order, when every paper is
//! listed); with a secret, `timestamp` and `sign`
//! (HMAC-SHA256 keyed by `"{timestamp}\n{secret}"` over an empty message, base64) in the body;
//! the body at most 20 KB. Success is `code` 0; 11232 is its rate limit.

use serde_json::{Value, json};

use super::{Request, Verdict, header, hmac_base64, messages, more};
use crate::briefing::Briefing;
use crate::text::{cut_chars, inert};

/// Feishu's body limit.
pub const MAX_BODY: usize = 20_000;

/// The cards for `briefing` (one with a site; as many as every paper takes without one), each
/// at most 20 KB, signed when there is a secret.
pub fn requests(
    briefing: &Briefing,
    top: usize,
    url: &str,
    secret: Option<&str>,
    now_secs: u64,
) -> Vec<Request> {
    messages(
        briefing,
        top,
        |b, n| body(b, n, secret, now_secs),
        |body| body.to_string().len() <= MAX_BODY,
    )
    .into_iter()
    .map(|body| Request {
        url: url.to_owned(),
        body,
    })
    .collect()
}

fn body(b: &Briefing, n: usize, secret: Option<&str>, now: u64) -> Value {
    let (title, counts) = header(b);
    let mut elements: Vec<Value> = counts
        .iter()
        .flat_map(|c| [div(&inert(c)), json!({"tag": "hr"})])
        .collect();
    if b.all_failed() {
        elements = vec![div(&inert(&b.failure_notice()))];
    } else {
        let lead = b.lead();
        if !lead.is_empty() {
            elements.push(div(&inert(&lead.join("\n"))));
            elements.push(json!({"tag": "hr"}));
        }
        for (i, p) in b.papers[..n].iter().enumerate() {
            let line = format!(
                "**{}. [{}]({})** ▲{}\n{}",
                b.first + i,
                inert(&cut_chars(&p.title, 200)),
                p.url,
                p.upvotes,
                inert(&cut_chars(&p.caption(), 300))
            );
            elements.push(div(&line));
        }
        if let Some(line) = more(n, b.papers.len()) {
            elements.push(div(&line));
        }
    }
    if let Some(url) = &b.url {
        elements.push(
            json!({"tag": "action", "actions": [{"tag": "button", "type": "primary",
            "text": {"tag": "plain_text", "content": "完整报告"}, "url": url}]}),
        );
    }
    let mut body = json!({"msg_type": "interactive", "card": {
        "config": {"wide_screen_mode": true},
        "header": {"template": "blue", "title": {"tag": "plain_text", "content": title}},
        "elements": elements}});
    if let Some(secret) = secret {
        body["timestamp"] = json!(now.to_string());
        body["sign"] = json!(hmac_base64(format!("{now}\n{secret}").as_bytes(), b""));
    }
    body
}

fn div(md: &str) -> Value {
    json!({"tag": "div", "text": {"tag": "lark_md", "content": md}})
}

/// `{"code": 0}` (older bots: `StatusCode`); 11232 means too fast.
pub fn verdict(body: &str) -> Verdict {
    let v: Value = serde_json::from_str(body).unwrap_or_default();
    let code = v
        .get("code")
        .or_else(|| v.get("StatusCode"))
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let message = v
        .get("msg")
        .or_else(|| v.get("StatusMessage"))
        .and_then(Value::as_str)
        .unwrap_or(body);
    match code {
        0 => Verdict::Delivered,
        11232 => Verdict::RateLimited(None),
        _ => Verdict::Rejected(format!("code {code}: {message}")),
    }
}
