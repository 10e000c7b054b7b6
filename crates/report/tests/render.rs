//! The Markdown of a report holding every kind of entry: a brief read from HTML, one read from
//! the abstract because the HTML was temporarily unavailable, a failure, a pending paper, and
//! list items that could not be used — reviewed as a snapshot.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use paperbrief_core::Brief;
use paperbrief_core::{
    ArxivId, Fallback, OutputMode, PaperRef, ReportDate, SkippedItem, SourceKind,
};
use paperbrief_report::{
    DailyReport, Entry, Failure, FailureKind, FigureFile, FigureInfo, FigureName, Outcome,
    Provenance, ReportPaths, SourceInfo, render_markdown,
};

fn paper(n: u32, upvotes: i64) -> PaperRef {
    let mut p = PaperRef::bare(ArxivId::parse(&format!("2602.{n:05}")).unwrap());
    p.title = format!("Paper {n}");
    p.upvotes = upvotes;
    p.abstract_text = format!("Abstract of paper {n}.");
    p.list_date = ReportDate::parse("2026-02-10").unwrap();
    p
}

fn source(n: u32, kind: SourceKind, fallback: Option<&str>, transient: bool) -> SourceInfo {
    SourceInfo {
        kind,
        url: format!("https://arxiv.org/html/2602.{n:05}v1"),
        id: ArxivId::parse(&format!("2602.{n:05}v1")).unwrap(),
        fallback: fallback.map(|reason| Fallback {
            reason: reason.to_owned(),
            transient,
        }),
        cuts: Vec::new(),
        authors: Vec::new(),
        affiliations: Vec::new(),
        figure: None,
        cites: Vec::new(),
    }
}

fn figure(caption: &str, file: Option<&str>) -> FigureInfo {
    FigureInfo {
        figure: paperbrief_core::KeyFigure {
            url: "https://arxiv.org/html/2602.00001v1/x1.png".into(),
            caption: caption.into(),
            anchor: "S2.F1".into(),
        },
        file: file.map(|name| FigureFile {
            name: FigureName::parse(name).unwrap(),
            width: 1200,
            height: 300,
        }),
        note: file
            .is_none()
            .then(|| "figure …: an SVG image, refused".into()),
    }
}

fn ok(brief: &str) -> Outcome {
    Outcome::Ok {
        brief: Brief::parse(brief).unwrap(),
        provenance: Provenance {
            model: "m".into(),
            template_id: "brief.zh.md@0".into(),
            prompt_tokens: 1,
            completion_tokens: 1,
            prompt_tokens_estimate: 1,
            attempts: 1,
            repairs: 0,
            latency_ms: 1,
            finish_reason: Some("stop".into()),
            temperature: 0.3,
            max_tokens: 2048,
            output: OutputMode::Text,
            endpoint: None,
        },
    }
}

const BRIEF: &str = "### 1. 应用领域\n机器学习。\n### 2. 一句话核心贡献\n提出新方法，准确率提升 12.5%。\n### 3. 使用指南\n输入数据，输出预测。\n### 4. 主要创新点\n新的训练方法，见 [代码](https://github.com/x/y)。\n### 5. 实验效果\n达到 91.3%，[点我](javascript:alert(1))。\n";

fn report() -> DailyReport {
    let mut r = DailyReport::new(ReportDate::parse("2026-02-10").unwrap());
    let mut linked = paper(1, 30);
    linked.github_repo = Some("https://github.com/x/y".into());
    linked.github_stars = Some(521);
    linked.authors = vec!["HF Name".into()];
    linked.project_page = Some("javascript:alert(1)".into());
    let mut odd = paper(2, 20);
    odd.github_repo = Some("https://e.org/a b(c)<x>".into());
    // Read from the abstract: the authors HF lists, the organisation HF files it under.
    odd.authors = (1..=12).map(|i| format!("Author {i}")).collect();
    odd.organization = Some("OpenMOSS <b>".into());
    let mut grounded = ok(BRIEF);
    if let Outcome::Ok { brief, .. } = &mut grounded {
        brief.check_grounding(&paperbrief_core::Grounding::new("accuracy rises 12.5%"));
    }
    // Read from the HTML: its authors and affiliations win over HF's; seven affiliations show six.
    let mut html = source(1, SourceKind::Html, None, false);
    html.authors = vec!["Ada Lovelace".into(), "Alan Turing".into()];
    html.affiliations = (1..=7).map(|i| format!("University {i}")).collect();
    // A kept figure is shown, its caption inert; a refused one is not shown at all.
    html.figure = Some(figure(
        "Figure 1: Overview of <b>our</b> [x](javascript:a) pipeline.",
        Some("0123456789abcdef0123456789abcdef.png"),
    ));
    let mut refused = source(
        2,
        SourceKind::Abs,
        Some("HTML temporarily unavailable: answered HTTP 503"),
        true,
    );
    refused.figure = Some(figure("Figure 2: Refused.", None));
    r.entries = vec![
        Entry::new(linked, Some(html), grounded),
        Entry::new(odd, Some(refused), ok(BRIEF)),
        Entry::new(
            paper(3, 10),
            Some(source(
                3,
                SourceKind::Abs,
                Some("no HTML version on arXiv (404)"),
                false,
            )),
            Outcome::Failed(Failure::new(
                FailureKind::NotChinese,
                "the answer is not an acceptable brief: <b>mostly not Chinese</b>",
            )),
        ),
        Entry::pending(paper(4, 5)),
    ];
    r.skipped = vec![
        SkippedItem {
            raw_id: Some("../x`y".into()),
            title: Some("[t](javascript:a)".into()),
            reason: "invalid arXiv id".into(),
        },
        SkippedItem {
            raw_id: None,
            title: None,
            reason: "missing field `paper`".into(),
        },
    ];
    r.recount();
    r
}

#[test]
fn every_kind_of_entry_renders_in_the_report_frame() {
    let r = report();
    assert_eq!(
        (
            r.stats.briefs,
            r.stats.failed,
            r.stats.pending,
            r.stats.skipped
        ),
        (2, 1, 1, 2)
    );
    assert_eq!(r.stats.abstract_transient, 1);
    assert!(!r.is_complete());
    insta::assert_snapshot!(render_markdown(&r));
}

#[test]
fn reports_round_trip_through_their_files_readable_by_others() {
    let dir = tempfile::tempdir().unwrap();
    let paths = ReportPaths::new(dir.path().join("reports"));
    let r = report();
    let files = paths.write(&r).unwrap();
    assert_eq!(paths.read_day(r.date).unwrap().unwrap(), r);
    assert_eq!(
        std::fs::read_to_string(&files.markdown).unwrap(),
        render_markdown(&r)
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&files.json).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o044,
            0o044,
            "{mode:o}: a report is made to be shared"
        );
    }
    // A version-1 report (no pending, no skipped, no transient flag) still reads.
    let v1 = r#"{"schema":1,"date":"2026-02-10","source_url":"u","generated_by":"g","entries":[],"stats":{"papers":0,"briefs":0,"failed":0,"html":0,"abstract_only":0,"reused":0,"prompt_tokens":0,"completion_tokens":0,"llm_requests":0,"wall_seconds":0.0}}"#;
    let old: DailyReport = serde_json::from_str(v1).unwrap();
    assert!(old.skipped.is_empty() && old.is_complete());
}

#[test]
fn evidence_links_into_the_page_read_or_the_abstract_page() {
    let evidence = |anchor: &str| paperbrief_core::Evidence {
        text: "38%".into(),
        anchor: anchor.into(),
        label: "表 2".into(),
    };
    let entry =
        |kind: SourceKind| Entry::new(paper(1, 1), Some(source(1, kind, None, false)), ok(BRIEF));
    let html = entry(SourceKind::Html);
    assert_eq!(
        html.evidence_url(&evidence("S4.T2")),
        "https://arxiv.org/html/2602.00001v1#S4.T2"
    );
    // The abstract has no id: the page itself.
    assert_eq!(
        html.evidence_url(&evidence("")),
        "https://arxiv.org/html/2602.00001v1"
    );
    // An id that could break out of a link is never used.
    assert_eq!(
        html.evidence_url(&evidence("x)[a](javascript:b")),
        "https://arxiv.org/html/2602.00001v1"
    );
    assert_eq!(
        entry(SourceKind::Abs).evidence_url(&evidence("S4.T2")),
        "https://arxiv.org/abs/2602.00001"
    );
}
