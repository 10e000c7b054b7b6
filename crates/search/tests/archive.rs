//! The archive index over real report files in a temporary reports directory: Chinese and
//! English queries, filters, each paper once, and an index that follows the reports.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use paperbrief_core::{ArxivId, Brief, PaperRef, ReportDate};
use paperbrief_report::{DailyReport, Entry, Outcome, ReportPaths};
use paperbrief_search::{Archive, Query};
use paperbrief_testkit::reports::provenance;

fn entry(date: &str, id: &str, title: &str, contribution: &str, tags: &[&str]) -> Entry {
    let mut paper = PaperRef::bare(ArxivId::parse(id).unwrap());
    paper.title = title.into();
    paper.list_date = ReportDate::parse(date).unwrap();
    let answer = format!(
        "### 1. 应用领域\n大模型。\n### 2. 一句话核心贡献\n{contribution}\n### 3. 使用指南\n输入提示，输出文本。\n### 4. 主要创新点\n新的训练方法。\n### 5. 实验效果\n效果更好。\n"
    );
    let mut e = Entry::pending(paper);
    e.outcome = Outcome::Ok {
        brief: Brief::parse(&answer).unwrap(),
        provenance: provenance(),
    };
    e.tags = tags.iter().map(|t| (*t).to_owned()).collect();
    e
}

fn day(paths: &ReportPaths, date: &str, entries: Vec<Entry>) {
    let mut r = DailyReport::new(ReportDate::parse(date).unwrap());
    r.entries = entries;
    r.recount();
    paths.write(&r).unwrap();
}

fn archive() -> (tempfile::TempDir, ReportPaths) {
    let tmp = tempfile::tempdir().unwrap();
    let paths = ReportPaths::new(tmp.path().join("reports"));
    let mut first = entry(
        "2026-01-30",
        "2601.00001",
        "Faster Speculative Decoding with Draft Trees",
        "提出一种基于草稿树的推测解码方法，推理速度提升 2 倍。",
        &["推理加速"],
    );
    // The Chinese title counts as a title: this paper ranks first for 推测解码.
    first.title_zh = Some("基于草稿树的快速推测解码".into());
    day(
        &paths,
        "2026-01-30",
        vec![
            first,
            entry(
                "2026-01-30",
                "2601.00002",
                "Robot Manipulation from Videos",
                "从视频中学习机器人操作策略。",
                &["机器人"],
            ),
        ],
    );
    day(
        &paths,
        "2026-02-10",
        vec![
            entry(
                "2026-02-10",
                "2602.00003",
                "Diffusion Models for Layout",
                "用扩散模型生成版面布局。",
                &["生成"],
            ),
            entry(
                "2026-02-10",
                "2602.00004",
                "Serving LLMs Cheaply",
                "结合量化与推测解码降低大模型服务成本。",
                &["服务"],
            ),
        ],
    );
    (tmp, paths)
}

fn ids(archive: &Archive, q: &Query) -> Vec<String> {
    archive
        .search(q)
        .unwrap()
        .into_iter()
        .map(|h| h.id)
        .collect()
}

#[test]
fn chinese_and_english_queries_find_papers_of_every_day_ranked() {
    let (tmp, paths) = archive();
    let mut a = Archive::open(Some(&tmp.path().join("index")), paths).unwrap();
    let s = a.sync().unwrap();
    assert_eq!(s.indexed, vec!["2026-01-30", "2026-02-10"]);
    // Both days; the paper with 推测解码 in its title's translation and contribution first.
    assert_eq!(
        ids(&a, &Query::new("推测解码")),
        vec!["2601.00001", "2602.00004"]
    );
    // English, stemmed: "decoding" in the title only.
    assert_eq!(
        ids(&a, &Query::new("speculative decoding")),
        vec!["2601.00001"]
    );
    assert_eq!(ids(&a, &Query::new("机器人")), vec!["2601.00002"]);
    assert!(ids(&a, &Query::new("量子计算")).is_empty());
    let hit = &a.search(&Query::new("layout")).unwrap()[0];
    assert_eq!(hit.date, "2026-02-10");
    assert_eq!(hit.title, "Diffusion Models for Layout");
    assert_eq!(hit.contribution, "用扩散模型生成版面布局。");
    assert!(hit.score > 0.0);
}

#[test]
fn dates_and_tags_filter() {
    let (tmp, paths) = archive();
    let mut a = Archive::open(Some(&tmp.path().join("index")), paths).unwrap();
    a.sync().unwrap();
    let mut q = Query::new("推测解码");
    q.since = Some(ReportDate::parse("2026-02-01").unwrap());
    assert_eq!(ids(&a, &q), vec!["2602.00004"]);
    q.since = None;
    q.until = Some(ReportDate::parse("2026-01-30").unwrap());
    assert_eq!(ids(&a, &q), vec!["2601.00001"]);
    let mut q = Query::new("推测解码");
    q.tag = Some("推理加速".into());
    assert_eq!(ids(&a, &q), vec!["2601.00001"]);
    q.tag = Some("机器人".into());
    assert!(ids(&a, &q).is_empty());
}

#[test]
fn the_index_follows_the_reports_and_a_paper_shows_once() {
    let (tmp, paths) = archive();
    let dir = tmp.path().join("index");
    let mut a = Archive::open(Some(&dir), paths.clone()).unwrap();
    a.sync().unwrap();
    // Nothing changed: nothing indexed again, even by a new process.
    drop(a);
    let mut a = Archive::open(Some(&dir), paths.clone()).unwrap();
    assert_eq!(a.sync().unwrap(), Default::default());
    assert_eq!(ids(&a, &Query::new("layout")), vec!["2602.00003"]);
    // A day rewritten: only it is indexed again; its old papers are gone.
    std::thread::sleep(std::time::Duration::from_millis(20));
    day(
        &paths,
        "2026-02-10",
        vec![entry(
            "2026-02-10",
            "2601.00001",
            "Faster Speculative Decoding with Draft Trees",
            "再次收录：推测解码。",
            &[],
        )],
    );
    let s = a.sync().unwrap();
    assert_eq!(s.indexed, vec!["2026-02-10"]);
    assert!(ids(&a, &Query::new("layout")).is_empty());
    // Listed on two days, found once.
    assert_eq!(ids(&a, &Query::new("draft trees")), vec!["2601.00001"]);
    // A day deleted: dropped.
    std::fs::remove_file(paths.day(ReportDate::parse("2026-01-30").unwrap()).json).unwrap();
    let s = a.sync().unwrap();
    assert_eq!(s.removed, vec!["2026-01-30"]);
    assert!(ids(&a, &Query::new("机器人")).is_empty());
    let hits = a.search(&Query::new("draft trees")).unwrap();
    assert_eq!(hits[0].date, "2026-02-10");
}

#[test]
fn a_broken_index_is_rebuilt_from_the_reports() {
    let (tmp, paths) = archive();
    let dir = tmp.path().join("index");
    Archive::open(Some(&dir), paths.clone())
        .unwrap()
        .sync()
        .unwrap();
    for f in std::fs::read_dir(&dir).unwrap() {
        let f = f.unwrap().path();
        if f.file_name().unwrap() == "meta.json" {
            std::fs::write(&f, b"{ not json").unwrap();
        }
    }
    let mut a = Archive::open(Some(&dir), paths).unwrap();
    assert_eq!(a.sync().unwrap().indexed.len(), 2);
    assert_eq!(ids(&a, &Query::new("机器人")), vec!["2601.00002"]);
}

#[test]
fn an_unreadable_report_is_named_and_the_rest_indexed() {
    let (_tmp, paths) = archive();
    std::fs::write(
        paths.day(ReportDate::parse("2026-01-30").unwrap()).json,
        b"{\"schema\": 2, trunc",
    )
    .unwrap();
    let mut a = Archive::open(None, paths).unwrap();
    let s = a.sync().unwrap();
    assert_eq!(s.indexed, vec!["2026-02-10"]);
    assert_eq!(s.unreadable.len(), 1);
    assert!(s.unreadable[0].contains("2026-01-30"), "{:?}", s.unreadable);
    assert_eq!(ids(&a, &Query::new("layout")), vec!["2602.00003"]);
}
