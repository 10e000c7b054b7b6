//! The archive's fixtures: three days of reports and a weekly digest across two quarters, the
//! binary run over them, and the site built from them with its search index.

#![allow(clippy::unwrap_used)] // test fixtures: a panic is the failure report

use std::path::{Path, PathBuf};

use paperbrief_core::{ArxivId, Brief, PaperRef, Period, ReportDate, SourceKind};
use paperbrief_report::{DailyReport, Entry, Outcome, ReportPaths, SourceInfo};
use paperbrief_testkit::reports::provenance;

use super::day::read;
use super::{paperbrief, run, stderr};

#[derive(Clone)]
pub struct Paper {
    pub date: &'static str,
    pub id: &'static str,
    pub title: &'static str,
    pub title_zh: Option<&'static str>,
    pub contribution: &'static str,
    pub tags: &'static [&'static str],
    pub kind: SourceKind,
}

pub const PAPERS: &[Paper] = &[
    Paper {
        date: "2025-12-30",
        id: "2512.00001",
        title: "Faster Speculative Decoding with Draft Trees",
        title_zh: Some("基于草稿树的快速推测解码"),
        contribution: "提出基于草稿树的推测解码，推理速度提升 2 倍。",
        tags: &["推理加速"],
        kind: SourceKind::Html,
    },
    Paper {
        date: "2025-12-30",
        id: "2512.00002",
        title: "Robot Manipulation from Videos <img src=x onerror=alert(1)>",
        title_zh: None,
        contribution: "从视频中学习机器人操作策略。",
        tags: &["机器人"],
        kind: SourceKind::Abs,
    },
    Paper {
        date: "2026-02-09",
        id: "2602.00003",
        title: "Diffusion Models for Layout",
        title_zh: None,
        contribution: "用扩散模型生成版面布局。",
        tags: &["生成"],
        kind: SourceKind::Html,
    },
    Paper {
        date: "2026-02-10",
        id: "2602.00004",
        title: "Serving LLMs Cheaply",
        title_zh: None,
        contribution: "结合量化与推测解码降低大模型服务成本。",
        tags: &["服务"],
        kind: SourceKind::Html,
    },
    Paper {
        date: "2026-02-10",
        id: "2602.00005",
        title: "Agents that Plan",
        title_zh: None,
        contribution: "让智能体先规划再行动。",
        tags: &["智能体"],
        kind: SourceKind::Html,
    },
];

pub fn entry(p: &Paper) -> Entry {
    let id = ArxivId::parse(p.id).unwrap();
    let mut paper = PaperRef::bare(id);
    paper.title = p.title.into();
    paper.list_date = ReportDate::parse(p.date).unwrap();
    let answer = format!(
        "### 1. 应用领域\n大模型。\n### 2. 一句话核心贡献\n{}\n### 3. 使用指南\n输入提示，输出文本。\n### 4. 主要创新点\n新的方法。\n### 5. 实验效果\n效果更好。\n",
        p.contribution
    );
    let mut e = Entry::pending(paper);
    e.outcome = Outcome::Ok {
        brief: Brief::parse(&answer).unwrap(),
        provenance: provenance(),
    };
    e.source = Some(SourceInfo::new(
        p.kind,
        format!("https://arxiv.org/html/{}v1", p.id),
        ArxivId::parse(&format!("{}v1", p.id)).unwrap(),
        None,
    ));
    e.tags = p.tags.iter().map(|t| (*t).to_owned()).collect();
    e.title_zh = p.title_zh.map(str::to_owned);
    e
}

/// Three days of reports and the week 2026-W07's digest (papers 3 and 4), in `reports`.
fn write_reports(reports: &Path) {
    let paths = ReportPaths::new(reports);
    for date in ["2025-12-30", "2026-02-09", "2026-02-10"] {
        let mut r = DailyReport::new(ReportDate::parse(date).unwrap());
        r.entries = PAPERS
            .iter()
            .filter(|p| p.date == date)
            .map(entry)
            .collect();
        r.recount();
        paths.write(&r).unwrap();
    }
    let mut digest = DailyReport::digest(
        Period::parse("2026-W07").unwrap(),
        ReportDate::parse("2026-02-15").unwrap(),
    );
    digest.entries = PAPERS[2..4].iter().map(entry).collect();
    digest.recount();
    paths.write(&digest).unwrap();
}

pub fn home() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    write_reports(&home.path().join("reports"));
    home
}

pub async fn paperbrief_in(home: &Path, args: &[&str]) -> std::process::Output {
    let reports = home.join("reports");
    let mut cmd = paperbrief(
        home,
        &[("PAPERBRIEF_OUTPUT_DIR", reports.to_str().unwrap())],
    );
    cmd.args(args);
    run(cmd).await
}

/// `paperbrief site` with search: the site and its index.
pub async fn built_site(home: &Path) -> PathBuf {
    let site = home.join("site");
    let out = paperbrief_in(home, &["site", "--out", site.to_str().unwrap()]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("search index: 7 papers, 2 quarter(s) indexed again (2026-Q1, 2025-Q4)"),
        "5 papers of the days, 2 of the digest, in two quarters: {}",
        stderr(&out)
    );
    // The newest quarter is the primary index, with the scripts; the older one is merged.
    for kept in [
        "pagefind.js",
        "pagefind-worker.js",
        "pagefind-entry.json",
        "q/2025-Q4/pagefind-entry.json",
    ] {
        assert!(site.join("pagefind").join(kept).is_file(), "{kept}");
    }
    assert_eq!(
        read(&site.join("pagefind/paperbrief-quarters.json")),
        "[\"2025-Q4\"]"
    );
    assert!(!site.join("pagefind/pagefind-ui.js").exists());
    assert!(!site.join("pagefind/q/2025-Q4/pagefind.js").exists());
    // Rebuilt with nothing changed: no index made, no file written again.
    let again = paperbrief_in(home, &["site", "--out", site.to_str().unwrap()]).await;
    assert!(
        stderr(&again).contains("0 quarter(s) indexed again, 0 files updated"),
        "{}",
        stderr(&again)
    );
    site
}
