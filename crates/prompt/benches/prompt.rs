//! Tokenizer set-up cost, answer parsing and rendering throughput, prompt rendering with cuts.
//! Run: `cargo bench -p paperbrief-prompt --bench prompt`.

#![allow(clippy::unwrap_used, missing_docs)] // a benchmark: a panic is the report

use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use paperbrief_core::{ArxivId, Section, SourceDoc, SourceKind};
use paperbrief_core::{Brief, Grounding};
use paperbrief_prompt::{Budget, Template, render_prompt};

/// The example report's 34 briefs when `../shared/spec` is there, else a built-in answer.
fn answers() -> Vec<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/spec/example-report-2026-02-10.md");
    match std::fs::read_to_string(&path) {
        Ok(report) => report
            .split("\n============================================================\n")
            .filter_map(|c| {
                c.find("- **阅读来源**")
                    .map(|i| c[i..].split_once('\n').map(|(_, b)| b.to_owned()))
            })
            .flatten()
            .collect(),
        Err(_) => {
            eprintln!(
                "no example report at {}; benchmarking a built-in answer",
                path.display()
            );
            vec!["### 1. 应用领域\n计算机视觉\n### 2. 一句话核心贡献\n提出方法，快 20 倍。\n### 3. 使用指南\n- 输入：图像\n### 4. 主要创新点\n1. **新**：方法\n### 5. 实验效果\n提升 38.64%。\n".to_owned()]
        }
    }
}

fn long_doc() -> SourceDoc {
    let para =
        "The model attends to every token in the sequence and learns a representation of it. "
            .repeat(8);
    let text = vec![para; 12].join("\n\n");
    SourceDoc {
        kind: SourceKind::Html,
        id: ArxivId::parse("2602.00001").unwrap(),
        url: String::new(),
        title: "A long paper".into(),
        authors: vec!["A".into()],
        abstract_text: "Abstract.".into(),
        sections: (0..30)
            .map(|i| Section {
                heading: format!("{i} Section"),
                level: 1,
                text: text.clone(),
                appendix: i > 25,
                anchor: String::new(),
                paragraphs: Vec::new(),
            })
            .collect(),
        captions: vec![],
        tables: vec![],
        affiliations: Vec::new(),
        figure: None,
        cites: Vec::new(),
    }
}

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("tokenizer");
    g.sample_size(10);
    g.bench_function("o200k_base set-up", |b| {
        b.iter(|| tiktoken_rs::o200k_base().unwrap())
    });
    let text = "The model attends to every token. 模型关注每一个词元。".repeat(2_000);
    let bpe = paperbrief_prompt::tokens::encoder();
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("count (shared encoder)", |b| {
        b.iter(|| bpe.encode_ordinary(std::hint::black_box(&text)).len())
    });
    g.finish();

    let answers = answers();
    let bytes: u64 = answers.iter().map(|a| a.len() as u64).sum();
    let briefs: Vec<Brief> = answers.iter().map(|a| Brief::parse(a).unwrap()).collect();
    let mut g = c.benchmark_group("brief");
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function(format!("parse {} answers", answers.len()), |b| {
        b.iter(|| {
            answers
                .iter()
                .map(|a| Brief::parse(a).is_ok() as usize)
                .sum::<usize>()
        })
    });
    g.bench_function(format!("render {} briefs", briefs.len()), |b| {
        b.iter(|| briefs.iter().map(|b| b.render().len()).sum::<usize>())
    });
    let doc = long_doc();
    // Building the numbers of a paper: from its text alone, and with the place of each (what
    // every brief now records as evidence).
    g.bench_function("grounding: numbers of a 30-section paper", |b| {
        b.iter(|| Grounding::new(&doc.full_text()))
    });
    g.bench_function("grounding: numbers and places of a 30-section paper", |b| {
        b.iter(|| Grounding::of_source(&doc, None))
    });
    let grounding = Grounding::of_source(&doc, None);
    g.bench_function("grounding check", |b| {
        b.iter(|| {
            briefs
                .iter()
                .map(|b| {
                    grounding
                        .unsupported(b.section(paperbrief_core::SectionName::Results))
                        .len()
                })
                .sum::<usize>()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("prompt");
    let template = Template::builtin();
    let doc = long_doc();
    g.bench_function("render 30-section paper, 32k context (cuts)", |b| {
        b.iter(|| {
            render_prompt(&template, &doc, None, &Budget::new(32_768, 2_048, 256, 0.1))
                .unwrap()
                .tokens
        })
    });
    g.bench_function("render 30-section paper, 128k context (no cuts)", |b| {
        b.iter(|| {
            render_prompt(
                &template,
                &doc,
                None,
                &Budget::new(131_072, 2_048, 256, 0.1),
            )
            .unwrap()
            .tokens
        })
    });
    g.finish();
}

/// The 今日速览 request for a day of `n` briefed papers (the example briefs, cycled): its size
/// in tokens and the time to render and count it.
fn overview(c: &mut Criterion) {
    let briefs: Vec<Brief> = answers()
        .iter()
        .filter_map(|a| Brief::parse(a).ok())
        .collect();
    let template = Template::builtin_overview();
    for n in [33usize, 136] {
        let papers: Vec<paperbrief_prompt::OverviewPaper> = (0..n)
            .map(|i| {
                let b = &briefs[i % briefs.len()];
                paperbrief_prompt::OverviewPaper {
                    id: format!("2602.{:05}", i + 1),
                    title: format!("A Paper Title About Scaling Sparse Models, Part {i}"),
                    domain: b.section(paperbrief_core::SectionName::Domain).to_owned(),
                    contribution: b
                        .section(paperbrief_core::SectionName::Contribution)
                        .to_owned(),
                }
            })
            .collect();
        let vars = paperbrief_prompt::OverviewVars {
            papers,
            tags: vec!["大语言模型".into(), "智能体".into(), "其他".into()],
            min_themes: 3,
            max_themes: 7,
            output: "text".into(),
            partial_themes: Vec::new(),
            partial_picks: Vec::new(),
        };
        let (system, user) = template.render(&vars).unwrap();
        let tokens = paperbrief_prompt::tokens::count_message(&system)
            + paperbrief_prompt::tokens::count_message(&user);
        println!(
            "overview request for {n} papers: {tokens} prompt tokens (o200k_base), answer room {} tokens at 32k",
            400 + 45 * n
        );
        c.bench_function(
            &format!("overview prompt, {n} papers: render + count"),
            |b| {
                b.iter(|| {
                    let (s, u) = template.render(&vars).unwrap();
                    paperbrief_prompt::tokens::count(&s) + paperbrief_prompt::tokens::count(&u)
                });
            },
        );
    }
}

criterion_group!(all, benches, overview);
criterion_main!(all);
