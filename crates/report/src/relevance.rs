//! How a paper stands with a reader profile: its score, whether it is "for you", and why — the
//! profile's keywords and authors it matches, the library item it is nearest to.

use serde::{Deserialize, Serialize};

/// A paper's relevance to one profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Relevance {
    /// 0–1.
    pub score: f64,
    /// Among the profile's picks of the day.
    pub for_you: bool,
    /// Left out by one of the profile's `exclude` phrases.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub excluded: bool,
    /// The keywords (and `作者 …` authors) it matches.
    #[serde(default)]
    pub matched: Vec<String>,
    /// The library item it is most like, when embeddings were used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nearest: Option<Nearest>,
}

/// A library item, as a reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Nearest {
    /// Its title.
    pub title: String,
    /// Its arXiv id, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

impl Relevance {
    /// The reason in a line, in Chinese: `匹配 KV cache、作者 Tri Dao；与你收藏的《…》相近`.
    pub fn reason(&self) -> String {
        let mut parts = Vec::new();
        if !self.matched.is_empty() {
            parts.push(format!("匹配 {}", self.matched.join("、")));
        }
        if let Some(n) = &self.nearest {
            parts.push(format!("与你收藏的《{}》相近", n.title));
        }
        if parts.is_empty() {
            parts.push("与你的兴趣相近".to_owned());
        }
        parts.join("；")
    }
}
