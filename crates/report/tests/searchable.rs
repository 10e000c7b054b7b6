//! What of an entry is searched: the contribution apart, the other sections (or the abstract)
//! as the body, titles, tags and 机构.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use paperbrief_core::{ArxivId, Brief, PaperRef};
use paperbrief_report::{Entry, Outcome, Searchable};
use paperbrief_testkit::reports::provenance;

fn entry(answer: Option<&str>) -> Entry {
    let mut paper = PaperRef::bare(ArxivId::parse("2602.00001").unwrap());
    paper.title = "A Title".into();
    paper.abstract_text = "We study speculative decoding.".into();
    paper.organization = Some("Qwen".into());
    let mut e = Entry::pending(paper);
    e.tags = vec!["推理".into()];
    if let Some(answer) = answer {
        e.outcome = Outcome::Ok {
            brief: Brief::parse(answer).unwrap(),
            provenance: provenance(),
        };
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
