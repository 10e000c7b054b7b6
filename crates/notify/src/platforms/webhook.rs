//! A generic webhook for a team's own automation: `POST` JSON `{date, title, url, stats,
//! papers: [{id, title, upvotes, contribution, url, source_kind}]}` with every paper.

use serde_json::json;

use super::Request;
use crate::briefing::Briefing;

/// The JSON of `briefing`, every paper.
pub fn request(b: &Briefing, url: &str) -> Request {
    Request {
        url: url.to_owned(),
        body: json!({"date": b.key, "title": b.title, "url": b.url, "stats": b.stats, "papers": b.papers}),
    }
}
