//! Reports made up for tests and benchmarks: a busy day of papers with briefs.

use paperbrief_core::Brief;
use paperbrief_core::{ArxivId, OutputMode, PaperRef, ReportDate};
use paperbrief_report::{DailyReport, Entry, Outcome, Provenance};

/// A provenance that says nothing in particular.
pub fn provenance() -> Provenance {
    Provenance {
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
    }
}

/// A day of `papers` papers with long titles carrying hostile markup and long contributions:
/// the worst case for a message's limits.
pub fn busy_day(date: &str, papers: u32) -> DailyReport {
    #[allow(clippy::expect_used)]
    let date = ReportDate::parse(date).expect("a valid test date");
    let mut r = DailyReport::new(date);
    for n in 0..papers {
        #[allow(clippy::expect_used)]
        let id = ArxivId::parse(&format!("2602.{:05}", n + 1)).expect("a valid id");
        let mut p = PaperRef::bare(id);
        p.title = format!(
            "A Rather Long Title About Scaling Laws For Sparse Mixture Models, Part {n} <script>[x](javascript:a)@all"
        );
        p.upvotes = i64::from(500 - n);
        p.list_date = date;
        let answer = format!(
            "### 1. 应用领域\n机器学习。\n### 2. 一句话核心贡献\n{}提出一种把长提示拆块的调度方法，使首字延迟降低 38%，吞吐提升 1.7 倍。\n### 3. 使用指南\n输入请求，输出调度。\n### 4. 主要创新点\n分块预填充。\n### 5. 实验效果\n延迟降低 38%。\n",
            "很长的说明，".repeat(20)
        );
        #[allow(clippy::expect_used)]
        let brief = Brief::parse(&answer).expect("a valid brief");
        r.entries.push(Entry::new(
            p,
            None,
            Outcome::Ok {
                brief,
                provenance: provenance(),
            },
        ));
    }
    r.recount();
    r
}

/// The briefs written for the prompt crate's tests (one per heading style), as (title, the
/// model's answer).
pub fn example_briefs() -> Vec<(String, String)> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../core/tests/fixtures/example-briefs.md");
    #[allow(clippy::expect_used)]
    let text = std::fs::read_to_string(&path).expect("the prompt crate's example briefs");
    text.split("\n============================================================\n")
        .filter_map(|chunk| {
            let title = chunk
                .lines()
                .find_map(|l| l.strip_prefix("## 📄 "))?
                .to_owned();
            let start = chunk.find("- **阅读来源**")?;
            let body = &chunk[start..];
            Some((title, body[body.find('\n')? + 1..].to_owned()))
        })
        .collect()
}
