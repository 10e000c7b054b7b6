//! The Markdown report: a pure function of [`DailyReport`], in the example report's frame.
//! Every piece of upstream or model text goes through [`crate::safe`] on its way in.

use std::fmt::Write as _;

use crate::model::{DailyReport, Entry, Outcome, Stage};
use crate::safe;

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
    if report.entries.is_empty() && report.skipped.is_empty() {
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
    render_skipped(report, &mut out);
    out
}

/// One paper: title, links, source, then the brief — or the failure, or that it is pending —
/// with the abstract.
pub fn render_entry(entry: &Entry) -> String {
    let p = &entry.paper;
    let mut out = String::new();
    let _ = write!(
        out,
        "## 📄 {}\n\n- **链接**: {}\n",
        safe::markdown(&p.title),
        p.hf_url()
    );
    let source = entry
        .source
        .as_ref()
        .map_or_else(|| "未读取".to_owned(), |s| s.label());
    let _ = writeln!(out, "- **阅读来源**: {source}");
    match &entry.outcome {
        Outcome::Ok { brief, .. } => {
            out.push('\n');
            out.push_str(safe::markdown(&brief.render()).trim_end());
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
                safe::markdown(&f.reason),
                safe::markdown(&p.abstract_text)
            );
        }
        Outcome::Pending => {
            let _ = write!(
                out,
                "- **状态**: ⏳ 尚未生成简报\n\n**摘要**：{}",
                safe::markdown(&p.abstract_text)
            );
        }
    }
    out
}

/// The list items that could not be used, after the last paper: each named by the raw id it
/// carried (as text) and its title.
fn render_skipped(report: &DailyReport, out: &mut String) {
    if report.skipped.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "\n## ⚠️ 未能处理的条目\n\nHugging Face 当日列表中有 {} 个条目无法处理，未生成简报：\n\n",
        report.skipped.len()
    );
    for item in &report.skipped {
        let id = item
            .raw_id
            .as_deref()
            .map_or_else(|| "（无编号）".to_owned(), safe::inline_text);
        let title = item
            .title
            .as_deref()
            .map_or_else(|| "（无标题）".to_owned(), safe::inline_text);
        let _ = writeln!(
            out,
            "- 编号 {id}：{title}（原因：{}）",
            safe::inline_text(&item.reason)
        );
    }
}
