//! The arXiv export API's Atom feed (both the classic and the 2025 serializer).

use roxmltree::{Document, Node};

use super::AbstractInfo;
use super::text::normalize;
use crate::error::FormatError;

const ATOM: &str = "http://www.w3.org/2005/Atom";
const ARXIV: &str = "http://arxiv.org/schemas/atom";

/// Parses a feed into one [`AbstractInfo`] per entry (with versioned ids). An error entry (the
/// API reports a bad id as an entry titled "Error") is skipped.
pub fn parse_feed(xml: &str) -> Result<Vec<AbstractInfo>, FormatError> {
    let doc = Document::parse(xml)?;
    let feed = doc.root_element();
    if !feed.has_tag_name((ATOM, "feed")) {
        return Err(FormatError::NotAFeed(feed.tag_name().name().to_owned()));
    }
    let mut out = Vec::new();
    for entry in feed.children().filter(|n| n.has_tag_name((ATOM, "entry"))) {
        let text = |n: &str| child_text(entry, n);
        let raw_id = text("id");
        let Some(id) = raw_id
            .rsplit("/abs/")
            .next()
            .filter(|s| !s.is_empty() && raw_id.contains("/abs/"))
        else {
            continue;
        };
        let title = text("title");
        if title.eq_ignore_ascii_case("error") {
            continue;
        }
        let authors = entry
            .children()
            .filter(|n| n.has_tag_name((ATOM, "author")))
            .map(|a| child_text(a, "name"))
            .filter(|n| !n.is_empty())
            .collect();
        let comments = entry
            .children()
            .find(|n| n.has_tag_name((ARXIV, "comment")))
            .map(|n| normalize(n.text().unwrap_or_default()))
            .filter(|c| !c.is_empty());
        out.push(AbstractInfo {
            id: Some(id.to_owned()),
            title,
            authors,
            abstract_text: text("summary"),
            comments,
            has_html: false,
        });
    }
    Ok(out)
}

fn child_text(node: Node<'_, '_>, name: &str) -> String {
    node.children()
        .find(|n| n.has_tag_name((ATOM, name)))
        .map(|n| {
            normalize(
                &n.descendants()
                    .filter(|d| d.is_text())
                    .filter_map(|d| d.text())
                    .collect::<String>(),
            )
        })
        .unwrap_or_default()
}
