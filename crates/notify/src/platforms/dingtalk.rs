//! DingTalk robot: `msgtype: "markdown"` with a title and text (at most 20,000 bytes); with a
//! secret, `timestamp` (ms) and `sign` (HMAC-SHA256 keyed by the secret over
//! `"{timestamp}\n{secret}"`, base64, URL-encoded) as query parameters.

use serde_json::json;

use super::{Request, hmac_base64, messages, wecom::markdown};
use crate::briefing::Briefing;
use crate::error::SetupError;
use crate::text::cut_bytes;

/// DingTalk's text limit, in bytes.
pub const MAX_TEXT: usize = 20_000;

/// The Markdown messages for `briefing` (as WeCom's, within 20,000 bytes), signed when there is a
/// secret.
pub fn requests(
    briefing: &Briefing,
    top: usize,
    url: &str,
    secret: Option<&str>,
    now_ms: u64,
) -> Result<Vec<Request>, SetupError> {
    let mut url = url::Url::parse(url).map_err(|_| SetupError::NotAUrl("webhook URL"))?;
    if let Some(secret) = secret {
        let sign = hmac_base64(secret.as_bytes(), format!("{now_ms}\n{secret}").as_bytes());
        url.query_pairs_mut()
            .append_pair("timestamp", &now_ms.to_string())
            .append_pair("sign", &sign);
    }
    let title = briefing.title.clone();
    Ok(messages(briefing, top, markdown, |t| t.len() <= MAX_TEXT)
        .into_iter()
        .map(|text| Request {
            url: url.to_string(),
            body: json!({"msgtype": "markdown", "markdown": {"title": title, "text": cut_bytes(&text, MAX_TEXT)}}),
        })
        .collect())
}
