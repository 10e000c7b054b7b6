//! The Markdown report: a pure function of [`DailyReport`], in the example report's frame.

use std::fmt::Write as _;

use super::{DailyReport, Entry, Outcome, Stage};

/// The line between papers.
const RULE: &str = "============================================================";

/// The whole report.
pub fn render_markdown(report: &DailyReport) -> String {
    let mut out = String::with_capacity(4096 * report.entries.len().max(1));
    let _ = write!(
        out,
        "# Hugging Face Daily Papers Report\n**Date**: {}\n**Source URL**: {}\n\n",
        report.date, report.source_url
    );
    if report.entries.is_empty() {
        out.push_str("当日没有论文。\n");
        return out;
    }
    for entry in &report.entries {
        out.push_str(RULE);
        out.push_str("\n\n");
        out.push_str(&render_entry(entry));
        out.push_str("\n\n\n");
    }
    out.push_str(RULE);
    out.push('\n');
    out
}

/// One paper: title, links, source, then the brief or the failure with the abstract.
pub fn render_entry(entry: &Entry) -> String {
    let p = &entry.paper;
    let mut out = String::new();
    let _ = write!(
        out,
        "## 📄 {}\n\n- **链接**: {}\n",
        escape_html(&p.title),
        p.hf_url()
    );
    let source = entry
        .source
        .as_ref()
        .map_or("未读取", |s| s.kind.report_label());
    let _ = writeln!(out, "- **阅读来源**: {source}");
    match &entry.outcome {
        Outcome::Ok { brief, .. } => {
            out.push('\n');
            out.push_str(escape_html(&brief.render()).trim_end());
        }
        Outcome::Failed(f) => {
            let stage = match f.stage {
                Stage::Fetch => "读取论文失败",
                Stage::Prompt => "构建提示失败",
                Stage::Llm => "调用模型失败",
                Stage::Answer => "模型回答不合格",
            };
            let _ = write!(
                out,
                "- **状态**: ⚠️ 简报生成失败（{stage}）：{}\n\n**摘要**：{}",
                escape_html(&f.reason),
                escape_html(&p.abstract_text)
            );
        }
    }
    out
}

/// Escapes what a browser would read as the start of markup — `<` before a letter, `/`, `!` or
/// `?` — so a report published as a web page cannot run scripts. A lone `<` (`a < b`) stays.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '<' if chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')) =>
            {
                out.push_str("&lt;");
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped_but_comparisons_are_not() {
        assert_eq!(
            escape_html("<script>alert(1)</script> a < b, $x<y$, <!-- c -->, AT&T"),
            "&lt;script>alert(1)&lt;/script> a < b, $x&lt;y$, &lt;!-- c -->, AT&T"
        );
        assert_eq!(
            escape_html("<img src=x onerror=alert(1)>"),
            "&lt;img src=x onerror=alert(1)>"
        );
    }
}
