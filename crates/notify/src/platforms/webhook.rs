//! A generic webhook for a team's own automation: `POST` JSON `{date, kind, title, url, stats,
//! papers: [{id, title, upvotes, contribution, url, source_kind}]}` with every paper (`kind`:
//! `day`, or `update` with only the papers that changed; `url` is null without a site).

use serde_json::json;

use super::Request;
use crate::briefing::Briefing;

/// The JSON of `briefing`, every paper.
pub fn request(b: &Briefing, url: &str) -> Request {
    Request {
        url: url.to_owned(),
        body: json!({"date": b.key, "kind": b.kind, "title": b.title, "overview": b.overview, "url": b.url, "stats": b.stats, "papers": b.papers}),
    }
}
