//! What of an entry is searched: one home for it, so the site's Pagefind index and
//! `paperbrief search` find a paper by the same words.

use paperbrief_core::SectionName;

use crate::model::{Entry, Outcome};

/// The searchable text of one entry: its titles, the brief's sections (or, without a brief, the
/// abstract), its tags and who it is from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Searchable {
    /// The English title, as listed.
    pub title: String,
    /// The Chinese title, when the overview gave one.
    pub title_zh: Option<String>,
    /// 一句话核心贡献 (empty without a brief): what a hit shows under its title.
    pub contribution: String,
    /// The other four sections in order, or the abstract when there is no brief.
    pub body: String,
    /// The overview's tags.
    pub tags: Vec<String>,
    /// 机构: the affiliations read from the page, else HF's organisation.
    pub affiliations: Vec<String>,
    /// The 阅读来源 label (`HTML`, `ArXiv Abs`…), when the paper was read.
    pub source: Option<String>,
}

impl Searchable {
    /// What is searched of `entry`.
    pub fn of(entry: &Entry) -> Self {
        let (contribution, body) = match &entry.outcome {
            Outcome::Ok { brief, .. } => {
                let body: Vec<&str> = SectionName::ALL
                    .into_iter()
                    .map(|name| (name, brief.section(name)))
                    .filter(|(name, _)| *name != SectionName::Contribution)
                    .map(|(_, text)| text)
                    .collect();
                (
                    brief.section(SectionName::Contribution).to_owned(),
                    body.join("\n"),
                )
            }
            Outcome::Failed(_) | Outcome::Pending => {
                (String::new(), entry.paper.abstract_text.clone())
            }
        };
        Self {
            title: entry.paper.title.clone(),
            title_zh: entry.title_zh.clone(),
            contribution,
            body,
            tags: entry.tags.clone(),
            affiliations: entry
                .affiliations()
                .into_iter()
                .filter(|a| a != "等")
                .collect(),
            source: entry.source.as_ref().map(crate::model::SourceInfo::label),
        }
    }

    /// Every searchable word in one text, each part on its own line: titles, contribution,
    /// sections, tags, 机构.
    pub fn text(&self) -> String {
        let mut parts: Vec<&str> = vec![&self.title];
        parts.extend(self.title_zh.as_deref());
        parts.push(&self.contribution);
        parts.push(&self.body);
        let tags = self.tags.join(" ");
        let orgs = self.affiliations.join(" ");
        parts.push(&tags);
        parts.push(&orgs);
        parts.retain(|p| !p.is_empty());
        parts.join("\n")
    }
}
