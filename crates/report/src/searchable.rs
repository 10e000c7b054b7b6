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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::Provenance;
    use paperbrief_core::{ArxivId, Brief, OutputMode, PaperRef};

    fn entry(answer: Option<&str>) -> Entry {
        let mut paper = PaperRef::bare(ArxivId::parse("2602.00001").unwrap());
        paper.title = "A Title".into();
        paper.abstract_text = "We study speculative decoding.".into();
        paper.organization = Some("Qwen".into());
        let mut e = Entry::pending(paper);
        e.tags = vec!["推理".into()];
        if let Some(answer) = answer {
            let provenance = Provenance {
                model: "m".into(),
                template_id: "t".into(),
                prompt_tokens: 0,
                completion_tokens: 0,
                prompt_tokens_estimate: 0,
                attempts: 1,
                repairs: 0,
                latency_ms: 0,
                finish_reason: None,
                temperature: 0.3,
                max_tokens: 2048,
                output: OutputMode::Text,
                endpoint: None,
            };
            let brief = Brief::parse(answer).unwrap();
            e.outcome = Outcome::Ok { brief, provenance };
        }
        e
    }

    #[test]
    fn a_brief_gives_its_sections_and_the_contribution_apart() {
        let answer = "### 1. 应用领域\n大模型推理。\n### 2. 一句话核心贡献\n提出推测解码的新方法。\n### 3. 使用指南\n输入提示，输出文本。\n### 4. 主要创新点\n草稿模型。\n### 5. 实验效果\n加速 2.1 倍。\n";
        let s = Searchable::of(&entry(Some(answer)));
        assert_eq!(s.contribution, "提出推测解码的新方法。");
        assert!(s.body.contains("大模型推理") && s.body.contains("加速 2.1 倍"));
        assert!(!s.body.contains("提出推测解码"));
        let text = s.text();
        for part in ["A Title", "提出推测解码", "推理", "Qwen", "草稿模型"] {
            assert!(text.contains(part), "{part} missing from {text}");
        }
    }

    #[test]
    fn without_a_brief_the_abstract_is_searched() {
        let s = Searchable::of(&entry(None));
        assert_eq!(s.contribution, "");
        assert_eq!(s.body, "We study speculative decoding.");
        assert_eq!(s.affiliations, vec!["Qwen".to_owned()]);
        assert_eq!(s.source, None);
    }
}
