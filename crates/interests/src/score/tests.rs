#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use super::*;

fn profile(keywords: &[&str], exclude: &[&str], authors: &[&str]) -> Profile {
    Profile {
        name: "p".into(),
        keywords: keywords.iter().map(|s| (*s).to_owned()).collect(),
        exclude: exclude.iter().map(|s| (*s).to_owned()).collect(),
        authors: authors.iter().map(|s| (*s).to_owned()).collect(),
        library: None,
        zotero: None,
        threshold: 0.8,
        max_for_you: std::num::NonZeroU32::new(2).unwrap(),
    }
}

fn paper<'a>(id: &'a str, title: &'a str, authors: &'a [String]) -> Paper<'a> {
    Paper {
        id,
        title,
        abstract_text: "",
        brief: "",
        authors,
    }
}

#[test]
fn keywords_authors_and_exclusions_decide_without_embeddings() {
    let tri = vec!["Tri  Dao".to_owned()];
    let none: Vec<String> = Vec::new();
    let papers = [
        paper("1", "Faster KV Cache Quantization", &none),
        paper("2", "A Survey of KV cache methods", &none),
        paper("3", "Attention, again", &tri),
        paper("4", "URL parsing", &none),
        paper("5", "基于量化的推理加速", &none),
    ];
    let p = profile(&["kv cache", "RL", "量化"], &["survey"], &["Tri Dao"]);
    let r = rank(&p, &[], &papers, None);
    assert_eq!(r[0].matched, ["kv cache"]);
    assert!(
        r[1].excluded && !r[1].for_you && r[1].score == 0.0,
        "{:?}",
        r[1]
    );
    assert_eq!(r[2].matched, ["作者 Tri Dao"]);
    assert!(r[3].matched.is_empty(), "RL is not in URL: {:?}", r[3]);
    assert_eq!(r[4].matched, ["量化"]);
    // Three match, at most two are "for you".
    assert_eq!(r.iter().filter(|x| x.for_you).count(), 2);
}

#[test]
fn embeddings_rank_by_the_nearest_library_items_among_the_day() {
    let none: Vec<String> = Vec::new();
    let papers = [
        paper("a", "A", &none),
        paper("b", "B", &none),
        paper("c", "C", &none),
        paper("d", "D", &none),
    ];
    let library = vec![LibraryItem {
        title: "Mine".into(),
        abstract_text: String::new(),
        arxiv: Some(paperbrief_core::ArxivId::parse("2205.14135").unwrap()),
    }];
    // Paper c is the library item; every cosine is high, as a small model's are.
    let v = Vectors {
        papers: vec![
            vec![1.0, 0.30, 0.0],
            vec![1.0, 0.35, 0.0],
            vec![1.0, 0.0, 0.1],
            vec![1.0, 0.40, 0.05],
        ],
        library: vec![vec![1.0, 0.0, 0.1]],
        keywords: Vec::new(),
    };
    let mut p = profile(&[], &[], &[]);
    p.threshold = 0.6;
    let r = rank(&p, &library, &papers, Some(&v));
    let best = (0..4)
        .max_by(|&a, &b| r[a].score.total_cmp(&r[b].score))
        .unwrap();
    assert_eq!(best, 2);
    assert!(r[2].for_you && r[2].score >= 0.6, "{:?}", r[2]);
    assert_eq!(r[2].nearest.as_ref().unwrap().title, "Mine");
    assert_eq!(
        r[2].nearest.as_ref().unwrap().id.as_deref(),
        Some("2205.14135")
    );
    assert!(!r[0].for_you);
    assert_eq!(cosine(&[1.0, 0.0], &[0.0, 1.0]), 0.0);
    assert_eq!(cosine(&[1.0], &[1.0, 2.0]), 0.0, "another model's length");
}
