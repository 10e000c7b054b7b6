//! The site built from reports on disk: every paper on its day's page, hostile markup inert,
//! the CSP matching the inline assets, a feed that parses back as Atom with ids stable across
//! rebuilds, and rebuilds that write only what changed.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::path::Path;

use base64::Engine as _;
use paperbrief_core::{ArxivId, PaperRef, Period, ReportDate, SourceKind};
use paperbrief_core::{Brief, Grounding};
use paperbrief_report::{
    DailyReport, Entry, Failure, FailureKind, Outcome, Provenance, ReportKey, ReportPaths,
    SourceInfo,
};
use paperbrief_site::{Site, SiteSettings};
use sha2::Digest as _;

fn provenance() -> Provenance {
    paperbrief_testkit::reports::provenance()
}

fn paper(n: u32, title: &str, date: ReportDate) -> PaperRef {
    let mut p = PaperRef::bare(ArxivId::parse(&format!("2602.{n:05}")).unwrap());
    p.title = title.to_owned();
    p.upvotes = 100 - i64::from(n);
    p.abstract_text = format!("Abstract {n}.");
    p.list_date = date;
    p.github_repo = Some(format!("https://github.com/example/{n}"));
    p.project_page = Some("javascript:alert('project')".into());
    p
}

/// A day with the six example briefs, a hostile one, a failure and a pending paper.
pub fn day(date: &str) -> DailyReport {
    let date = ReportDate::parse(date).unwrap();
    let mut r = DailyReport::new(date);
    r.generated_at = Some(
        chrono::DateTime::parse_from_rfc3339("2026-02-11T09:30:00Z")
            .unwrap()
            .into(),
    );
    for (i, (title, text)) in paperbrief_testkit::reports::example_briefs()
        .into_iter()
        .enumerate()
    {
        let mut brief = Brief::parse(&text).unwrap();
        brief.check_grounding(&Grounding::new("only 38% and 1.7 are in the paper"));
        r.entries.push(Entry::new(
            paper(i as u32 + 1, &title, date),
            Some(SourceInfo {
                kind: SourceKind::Html,
                url: "u".into(),
                id: ArxivId::parse(&format!("2602.{:05}v1", i + 1)).unwrap(),
                fallback: None,
                cuts: vec![],
                authors: Vec::new(),
                affiliations: Vec::new(),
                figure: None,
                cites: Vec::new(),
            }),
            Outcome::Ok {
                brief,
                provenance: provenance(),
            },
        ));
    }
    let hostile = "### 1. 应用领域\n<script>alert(1)</script>安全。\n### 2. 一句话核心贡献\n<img src=x onerror=alert(2)>方法。\n### 3. 使用指南\n[点我](javascript:alert(3))\n### 4. 主要创新点\n<a href=\"javascript:alert(4)\" onclick=\"alert(5)\">链接</a>\n### 5. 实验效果\n公式 $x<y$ 与 **结果**。\n";
    r.entries.push(Entry::new(
        paper(
            7,
            "<b>Hostile</b> \"Title\" <script>alert(6)</script>",
            date,
        ),
        None,
        Outcome::Ok {
            brief: Brief::parse(hostile).unwrap(),
            provenance: provenance(),
        },
    ));
    r.entries.push(Entry::new(
        paper(8, "A Failed Paper", date),
        None,
        Outcome::Failed(Failure::new(
            FailureKind::Format {
                missing: vec!["domain".into()],
            },
            "missing section",
        )),
    ));
    r.entries
        .push(Entry::pending(paper(9, "A Pending Paper", date)));
    r.recount();
    r
}

fn settings(out: &Path) -> SiteSettings {
    SiteSettings {
        out: out.to_owned(),
        base_url: Some(url::Url::parse("https://me.example/papers/").unwrap()),
        title: "测试简报".into(),
        feed_days: 7,
        templates: None,
        figures: None,
        search: false,
    }
}

#[test]
fn a_site_from_reports_is_complete_inert_and_rebuilds_only_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let paths = ReportPaths::new(dir.path().join("reports"));
    for d in ["2026-02-09", "2026-02-10", "2026-02-11"] {
        paths.write(&day(d)).unwrap();
    }
    let mut digest = DailyReport::digest(
        Period::parse("2026-W07").unwrap(),
        ReportDate::parse("2026-02-11").unwrap(),
    );
    digest.entries = day("2026-02-10").entries[..3].to_vec();
    digest.recount();
    paths.write(&digest).unwrap();
    let out = dir.path().join("site");
    let site = Site::new(settings(&out)).unwrap();
    let first = site.build_all(&paths).unwrap();
    assert_eq!(first.written.len(), 6, "3 days, 1 digest, index, feed");

    // MiniJinja writes `/` in text and attributes as `&#x2f;`: compare what a browser reads.
    let page = std::fs::read_to_string(out.join("2026-02-10.html"))
        .unwrap()
        .replace("&#x2f;", "/")
        .replace("&#x27;", "'");
    assert_eq!(page.matches("<article id=\"2602.").count(), 9);
    for bad in [
        "<script>alert",
        "onerror",
        "onclick",
        "javascript:",
        "<b>Hostile",
    ] {
        assert!(!page.contains(bad), "`{bad}` is live:\n{page}");
    }
    assert!(page.contains("&lt;b&gt;Hostile"), "titles are escaped");
    assert!(page.contains("<h3>一句话核心贡献</h3>"));
    assert!(page.contains("⚠️ 原文中未找到的数字："), "grounding notes");
    assert!(page.contains("⚠️ 简报生成失败：模型未按格式作答"));
    assert!(page.contains("⏳ 尚未生成简报"));
    assert!(
        page.contains(r#"<a rel="prev" href="2026-02-09.html">"#)
            && page.contains(r#"<a rel="next" href="2026-02-11.html">"#)
    );
    assert!(page.contains(r#"href="https://github.com/example/1""#));
    // The CSP names exactly the inline style and script.
    for (tag, end) in [("<style>", "</style>"), ("<script>", "</script>\n</body>")] {
        let start = page.find(tag).unwrap() + tag.len();
        let body = &page[start..start + page[start..].find(end).unwrap()];
        let hash =
            base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(body.as_bytes()));
        assert!(
            page.contains(&format!("'sha256-{hash}'")),
            "{tag} not in the CSP"
        );
    }
    assert!(
        !page.contains("http://") || !page.contains("src=\"http"),
        "no external assets"
    );

    let index = std::fs::read_to_string(out.join("index.html"))
        .unwrap()
        .replace("&#x2f;", "/")
        .replace("&#x27;", "'");
    let newest = index.find("2026-02-11.html").unwrap();
    assert!(
        newest < index.find("2026-02-09.html").unwrap(),
        "newest first"
    );
    assert!(index.contains("2026-W07.html"));
    // A digest page names the day whose list carried each paper, linked there.
    let week = std::fs::read_to_string(out.join("2026-W07.html"))
        .unwrap()
        .replace("&#x2f;", "/");
    assert!(
        week.contains("<a href=\"2026-02-10.html#2602.00001\">收录于 2026-02-10</a>"),
        "{week}"
    );
    let day_page = std::fs::read_to_string(out.join("2026-02-10.html")).unwrap();
    assert!(
        !day_page.contains("收录于"),
        "a day's own page does not say it"
    );

    let feed = std::fs::read_to_string(out.join("feed.xml")).unwrap();
    let parsed: atom_syndication::Feed = feed.parse().unwrap();
    assert_eq!(
        parsed.entries().len(),
        3 * 7 + 1,
        "papers with briefs of 3 days, and the digest"
    );
    let first_entry = parsed
        .entries()
        .iter()
        .find(|e| e.id() == "urn:paperbrief:2026-02-11:2602.00001")
        .unwrap();
    assert_eq!(
        first_entry.links()[0].href(),
        "https://me.example/papers/2026-02-11.html#2602.00001"
    );
    let content = first_entry.content().unwrap().value().unwrap();
    assert!(content.contains("<h3>应用领域</h3>"), "{content}");
    assert!(
        !feed.contains("javascript:") && !feed.contains("<script>alert"),
        "{feed}"
    );

    // Nothing changed: nothing is written. A new day: its page, its neighbour, index and feed.
    let again = site.build_all(&paths).unwrap();
    assert!(again.written.is_empty(), "{:?}", again.written);
    assert_eq!(
        std::fs::read_to_string(out.join("feed.xml")).unwrap(),
        feed,
        "stable feed"
    );
    paths.write(&day("2026-02-12")).unwrap();
    let touched = site
        .rebuild(
            &paths,
            &[ReportKey::Day(ReportDate::parse("2026-02-12").unwrap())],
        )
        .unwrap();
    let names: Vec<String> = touched
        .written
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "2026-02-11.html",
            "2026-02-12.html",
            "index.html",
            "feed.xml"
        ]
    );
}

/// Not a check: with `PAPERBRIEF_DEMO_SITE=DIR`, writes a demo site (the example briefs) to DIR
/// for the README's screenshots (`just screenshots`).
#[test]
fn demo_site_for_screenshots() {
    let Ok(dir) = std::env::var("PAPERBRIEF_DEMO_SITE") else {
        return;
    };
    let dir = Path::new(&dir);
    let paths = ReportPaths::new(dir.join("reports"));
    for d in ["2026-02-09", "2026-02-10"] {
        let mut r = day(d);
        r.entries.retain(|e| !e.paper.title.contains("Hostile"));
        r.recount();
        paths.write(&r).unwrap();
    }
    Site::new(settings(&dir.join("site")))
        .unwrap()
        .build_all(&paths)
        .unwrap();
}

/// A figure with a kept copy named `name` (or refused, with a note, when `name` is `None`).
fn figure(n: u32, name: Option<&str>) -> paperbrief_report::FigureInfo {
    paperbrief_report::FigureInfo {
        figure: paperbrief_core::KeyFigure {
            url: format!("https://arxiv.org/html/2602.{n:05}v1/x1.png"),
            caption: format!("Figure 1: Overview <script>alert({n})</script>"),
            anchor: "S2.F1".into(),
        },
        file: name.map(|name| paperbrief_report::FigureFile {
            name: paperbrief_report::FigureName::parse(name).unwrap(),
            width: 640,
            height: 320,
        }),
        note: name.is_none().then(|| "refused".into()),
    }
}

#[test]
fn key_figures_are_copied_into_the_site_and_shown_only_when_their_copy_exists() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("figures");
    std::fs::create_dir_all(&store).unwrap();
    let kept = "00112233445566778899aabbccddeeff.png";
    let bytes = paperbrief_testkit::png_bytes(640, 320);
    std::fs::write(store.join(kept), &bytes).unwrap();
    let mut report = day("2026-02-10");
    let names = [
        Some(kept),
        // Named by the report, missing from the store (a cleared cache): not shown.
        Some("ffeeddccbbaa99887766554433221100.png"),
        None,
    ];
    for (i, name) in names.into_iter().enumerate() {
        let source = report.entries[i].source.as_mut().unwrap();
        source.url = format!("https://arxiv.org/html/2602.{:05}v1", i + 1);
        source.figure = Some(figure(i as u32 + 1, name));
    }
    let paths = ReportPaths::new(dir.path().join("reports"));
    paths.write(&report).unwrap();
    let out = dir.path().join("site");
    let site = Site::new(settings(&out).with_figures(store)).unwrap();
    let first = site.build_all(&paths).unwrap();
    assert!(first.written.contains(&out.join("figures").join(kept)));
    assert_eq!(
        std::fs::read(out.join("figures").join(kept)).unwrap(),
        bytes
    );
    assert_eq!(std::fs::read_dir(out.join("figures")).unwrap().count(), 1);

    let page = std::fs::read_to_string(out.join("2026-02-10.html"))
        .unwrap()
        .replace("&#x2f;", "/");
    assert_eq!(page.matches("<figure class=\"key-figure\">").count(), 1);
    let shown = &page[page.find("<figure class=\"key-figure\">").unwrap()..];
    let shown = &shown[..shown.find("</figure>").unwrap()];
    assert!(
        shown.contains("href=\"https://arxiv.org/html/2602.00001v1#S2.F1\"")
            && shown.contains(&format!(
                "<img src=\"figures/{kept}\" width=\"640\" height=\"320\""
            ))
            && shown.contains("Overview &lt;script&gt;alert(1)"),
        "{shown}"
    );
    assert!(!page.contains("<script>alert"));
    let feed = std::fs::read_to_string(out.join("feed.xml")).unwrap();
    assert!(
        feed.contains(&format!("https://me.example/papers/figures/{kept}")),
        "the feed's figure is absolute: {feed}"
    );
    // A rebuild copies nothing again.
    let again = site.build_all(&paths).unwrap();
    assert!(again.written.is_empty(), "{:?}", again.written);
}
