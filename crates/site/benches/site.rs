//! Building the site for 30 days of reports (33 papers a day, the example briefs): the first
//! build (every file written), a rebuild with nothing changed (nothing written), and the
//! rebuild after one new day. Prints times and the site's size; asserts nothing.
//! Run: `cargo bench -p paperbrief-site --bench site` (or `just bench`).

#![allow(clippy::unwrap_used, missing_docs)] // a benchmark: a panic is the report

use std::path::Path;
use std::time::Instant;

use paperbrief_core::{ArxivId, PaperRef, ReportDate, SourceKind};
use paperbrief_core::{Brief, Grounding};
use paperbrief_report::{DailyReport, Entry, Outcome, ReportKey, ReportPaths, SourceInfo};
use paperbrief_site::{Site, SiteSettings};

fn briefs() -> Vec<(String, Brief)> {
    paperbrief_testkit::reports::example_briefs()
        .into_iter()
        .filter_map(|(title, answer)| {
            let mut brief = Brief::parse(&answer).ok()?;
            brief.check_grounding(&Grounding::new("38% 1.7"));
            Some((title, brief))
        })
        .collect()
}

fn day(date: ReportDate, briefs: &[(String, Brief)]) -> DailyReport {
    let mut r = DailyReport::new(date);
    for n in 0..33u32 {
        let (title, brief) = &briefs[n as usize % briefs.len()];
        let id = ArxivId::parse(&format!("2602.{:05}", n + 1)).unwrap();
        let mut paper = PaperRef::bare(id.clone());
        paper.title = format!("{title} ({date} #{n})");
        paper.upvotes = i64::from(100 - n);
        paper.list_date = date;
        paper.github_repo = Some(format!("https://github.com/example/{n}"));
        r.entries.push(Entry::new(
            paper,
            Some(SourceInfo {
                kind: SourceKind::Html,
                url: String::new(),
                id,
                fallback: None,
                cuts: Vec::new(),
                authors: Vec::new(),
                affiliations: Vec::new(),
                figure: None,
                cites: Vec::new(),
            }),
            Outcome::Ok {
                brief: brief.clone(),
                provenance: paperbrief_testkit::reports::provenance(),
            },
        ));
    }
    r.recount();
    r
}

fn size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.metadata().unwrap().len())
        .sum()
}

fn main() {
    let tmp = tempfile::tempdir().unwrap();
    let paths = ReportPaths::new(tmp.path().join("reports"));
    let briefs = briefs();
    let mut date = ReportDate::parse("2026-01-01").unwrap();
    for _ in 0..30 {
        paths.write(&day(date, &briefs)).unwrap();
        date = date.succ();
    }
    let out = tmp.path().join("site");
    let settings = SiteSettings {
        out: out.clone(),
        base_url: Some(url::Url::parse("https://me.example/papers/").unwrap()),
        title: "Hugging Face 每日论文简报".into(),
        feed_days: 7,
        templates: None,
        figures: None,
        search: true,
    };
    let site = Site::new(settings).unwrap();
    let t = Instant::now();
    let first = site.build_all(&paths).unwrap();
    let cold = t.elapsed();
    let t = Instant::now();
    let again = site.build_all(&paths).unwrap();
    let warm = t.elapsed();
    paths.write(&day(date, &briefs)).unwrap();
    let t = Instant::now();
    let touched = site.rebuild(&paths, &[ReportKey::Day(date)]).unwrap();
    let one = t.elapsed();
    println!(
        "site for 30 days x 33 papers: first build {:.0} ms ({} files, {:.1} MiB; feed.xml {:.0} KiB, index.html {:.0} KiB, a day page {:.0} KiB)",
        cold.as_secs_f64() * 1000.0,
        first.written.len(),
        size(&out) as f64 / 1_048_576.0,
        std::fs::metadata(out.join("feed.xml")).unwrap().len() as f64 / 1024.0,
        std::fs::metadata(out.join("index.html")).unwrap().len() as f64 / 1024.0,
        std::fs::metadata(out.join("2026-01-15.html"))
            .unwrap()
            .len() as f64
            / 1024.0,
    );
    println!(
        "rebuild with nothing changed: {:.0} ms, {} files written; after a new day: {:.0} ms, {} files written",
        warm.as_secs_f64() * 1000.0,
        again.written.len(),
        one.as_secs_f64() * 1000.0,
        touched.written.len()
    );
}
