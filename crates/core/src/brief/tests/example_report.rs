//! Every brief of an example report parses into five non-empty sections with the right content
//! under each: the briefs written for this repository in each heading style models use
//! (`tests/fixtures/example-briefs.md`, always), and the real report of the system paperbrief
//! replaces (`../shared/spec/example-report-2026-02-10.md`, extra coverage where it exists).

use std::fmt::Write as _;
use std::path::PathBuf;

use super::super::{Brief, SectionName};

/// The vendored briefs, one per heading style.
fn vendored() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/example-briefs.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The real report beside the repository. Its tests are `#[ignore]`d, so a clone without
/// `../shared` reports them as ignored; CI runs them with `--include-ignored`, where a missing
/// file fails them.
fn report() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/spec/example-report-2026-02-10.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}. This test reads the shared spec beside the repository (CI has it); without \
             it, run the suite without --include-ignored",
            path.display()
        )
    })
}

/// `(title, brief)` for each paper: the text after its `阅读来源` line.
fn briefs(report: &str) -> Vec<(String, String)> {
    report
        .split("\n============================================================\n")
        .filter_map(|chunk| {
            let title = chunk
                .lines()
                .find_map(|l| l.strip_prefix("## 📄 "))?
                .trim()
                .to_owned();
            let start = chunk.find("- **阅读来源**")?;
            let after = &chunk[start..];
            let body = &after[after.find('\n')? + 1..];
            Some((title, body.to_owned()))
        })
        .collect()
}

/// The first `n` characters of a line, for a reviewable snapshot that does not copy the report.
fn head(s: &str, n: usize) -> String {
    let line = s.lines().next().unwrap_or_default();
    let cut: String = line.chars().take(n).collect();
    if cut.chars().count() < line.chars().count() {
        format!("{cut}…")
    } else {
        cut
    }
}

#[test]
#[ignore = "needs ../shared/spec (the real example report): run with --include-ignored"]
fn all_34_example_briefs_parse() {
    let report = report();
    let briefs = briefs(&report);
    assert_eq!(briefs.len(), 34);
    insta::assert_snapshot!(check_all(&briefs));
}

#[test]
fn the_vendored_briefs_parse_in_every_heading_style() {
    let briefs = briefs(&vendored());
    assert_eq!(briefs.len(), 6);
    insta::assert_snapshot!(check_all(&briefs));
    for (title, text) in &briefs {
        let brief = Brief::parse(text).unwrap();
        assert!(
            !brief.render().contains("论文简报"),
            "{title}: the title line leaked"
        );
    }
}

/// Parses every brief, checks each section, and summarises them for a snapshot.
fn check_all(briefs: &[(String, String)]) -> String {
    let mut summary = String::new();
    for (title, text) in briefs {
        let brief = Brief::parse(text).unwrap_or_else(|e| panic!("{title}: {e}"));
        let _ = writeln!(summary, "## {}", head(title, 50));
        for (name, content) in brief.sections.iter() {
            assert!(!content.trim().is_empty(), "{title}: {name} empty");
            // No section swallowed the next one's heading.
            for other in SectionName::ALL {
                let heading_like = format!("**{}**", other.zh());
                assert!(
                    !content
                        .lines()
                        .any(|l| l.trim_start().starts_with(&heading_like)
                            && l.trim_start().starts_with(char::is_numeric)),
                    "{title}: {name} contains the heading of {other}"
                );
            }
            let _ = writeln!(
                summary,
                "{}: {} lines | {}",
                name.zh(),
                content.lines().count(),
                head(content, 24)
            );
        }
        // The canonical rendering parses back to the same brief.
        assert_eq!(Brief::parse(&brief.render()).unwrap(), brief, "{title}");
    }
    summary
}

/// Calibration of the "mostly not Chinese" threshold: every real brief is well above it.
#[test]
fn vendored_briefs_are_recognised_as_chinese() {
    assert_recognised_as_chinese(&briefs(&vendored()));
}

#[test]
#[ignore = "needs ../shared/spec (the real example report): run with --include-ignored"]
fn real_briefs_are_recognised_as_chinese() {
    assert_recognised_as_chinese(&briefs(&report()));
}

fn assert_recognised_as_chinese(all: &[(String, String)]) {
    assert!(!all.is_empty(), "no briefs found");
    for (title, text) in all {
        let english = text.chars().filter(char::is_ascii_alphabetic).count();
        assert!(
            Brief::parse(text).is_ok(),
            "{title} ({english} Latin letters) rejected"
        );
    }
}
