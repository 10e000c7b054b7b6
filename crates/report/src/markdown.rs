//! The Markdown report: a pure function of [`DailyReport`], in the example report's frame.
//! Every piece of upstream or model text goes through [`crate::safe`] on its way in.

use std::fmt::Write as _;

use crate::model::{DailyReport, Entry, Outcome};
use crate::safe;

/// The line between papers.
const RULE: &str = "============================================================";

/// The whole report.
pub fn render_markdown(report: &DailyReport) -> String {
    let mut out = String::with_capacity(4096 * report.entries.len().max(1));
    let _ = write!(
        out,
        "# Hugging Face Daily Papers Report\n**Date**: {}\n**Source URL**: {}\n\n",
        date_line(report),
        report.source_url
    );
    if report.entries.is_empty() && report.skipped.is_empty() {
        out.push_str(if report.period.is_some() {
            "本期没有论文。\n"
        } else {
            "当日没有论文。\n"
        });
        return out;
    }
    render_overview(report, &mut out);
    render_for_you(report, &mut out);
    render_toc(report, &mut out);
    for entry in &report.entries {
        out.push_str(RULE);
        out.push_str("\n\n");
        // A digest names the day whose list carried each paper.
        let listed = report.period.as_ref().map(|_| entry.paper.list_date);
        let _ = write!(out, "<a id=\"{}\"></a>\n\n", anchor(&entry.paper.id));
        out.push_str(&entry_with(entry, listed));
        out.push_str("\n\n\n");
    }
    out.push_str(RULE);
    out.push('\n');
    render_skipped(report, &mut out);
    out
}

/// The day, or a digest's period with its days (and how far an unfinished one goes).
fn date_line(report: &DailyReport) -> String {
    let Some(p) = &report.period else {
        return report.date.to_string();
    };
    let mut line = format!(
        "{}（{} 至 {}，最受关注的 {} 篇）",
        p.period,
        p.period.first(),
        p.period.last(),
        report.entries.len()
    );
    if !p.complete {
        let _ = write!(line, "，本期尚未结束，统计截至 {}", p.through);
    }
    line
}

/// `## 为你推荐`: per profile, its "for you" papers in score order, each with its reason.
fn render_for_you(report: &DailyReport, out: &mut String) {
    let profiles: std::collections::BTreeSet<&String> = report
        .entries
        .iter()
        .flat_map(|e| e.relevance.keys())
        .collect();
    if profiles.is_empty() {
        return;
    }
    out.push_str("## 为你推荐\n\n");
    for name in profiles {
        let mut picked: Vec<(&Entry, &crate::Relevance)> = report
            .entries
            .iter()
            .filter_map(|e| e.relevance.get(name).filter(|r| r.for_you).map(|r| (e, r)))
            .collect();
        picked.sort_by(|a, b| b.1.score.total_cmp(&a.1.score));
        let _ = write!(out, "### {}\n\n", safe::inline_text(name));
        if picked.is_empty() {
            out.push_str("今天没有。\n\n");
            continue;
        }
        for (i, (e, r)) in picked.iter().enumerate() {
            let _ = writeln!(
                out,
                "{}. ⭐ [{}](#{}) · {:.2} · {}",
                i + 1,
                safe::inline_text(e.display_title()),
                anchor(&e.paper.id),
                r.score,
                safe::inline_text(&r.reason())
            );
        }
        out.push('\n');
    }
}

/// The table of contents: a linked line per paper with its upvotes, and a mark for a paper
/// without its brief.
fn render_toc(report: &DailyReport, out: &mut String) {
    if report.entries.is_empty() {
        return;
    }
    out.push_str("## 目录\n\n");
    for (i, e) in report.entries.iter().enumerate() {
        let mark = match e.outcome {
            Outcome::Ok { .. } => "",
            Outcome::Failed(_) => " · ⚠️ 简报生成失败",
            Outcome::Pending => " · ⏳ 尚未生成简报",
        };
        let _ = writeln!(
            out,
            "{}. [{}](#{}) ▲ {}{mark}",
            i + 1,
            safe::inline_text(e.display_title()),
            anchor(&e.paper.id),
            e.paper.upvotes
        );
    }
    out.push('\n');
}

/// The anchor of a paper's entry (an arXiv id holds only characters an HTML id may have).
fn anchor(id: &paperbrief_core::ArxivId) -> String {
    format!("paper-{}", id.base())
}

/// One paper: title, links, upvotes, source, then the brief — or the failure, or that it is
/// pending — with the abstract.
pub fn render_entry(entry: &Entry) -> String {
    entry_with(entry, None)
}

/// [`render_entry`], with the day whose list carried the paper in a digest.
fn entry_with(entry: &Entry, listed: Option<paperbrief_core::ReportDate>) -> String {
    let p = &entry.paper;
    let mut out = String::new();
    let _ = write!(out, "## 📄 {}\n\n", safe::markdown(&p.title),);
    if let Some(zh) = &entry.title_zh {
        let _ = write!(out, "*{}*\n\n", safe::inline_text(zh));
    }
    let _ = writeln!(out, "- **链接**: {}", links(p));
    let authors = entry.authors();
    if !authors.is_empty() {
        let _ = writeln!(
            out,
            "- **作者**: {}",
            safe::inline_text(&people(authors, 3, "人"))
        );
    }
    let affiliations = entry.affiliations();
    if !affiliations.is_empty() {
        let _ = writeln!(
            out,
            "- **机构**: {}",
            safe::inline_text(&affiliations.join(" · "))
        );
    }
    let _ = writeln!(out, "- **热度**: ▲ {}", p.upvotes);
    if let Some(day) = listed {
        let _ = writeln!(out, "- **收录于**: [{day}]({day}.md)");
    }
    let history: Vec<String> = entry
        .history()
        .into_iter()
        .map(|h| format!("[{}]({}.md)", h.text, h.date))
        .collect();
    if !history.is_empty() {
        let _ = writeln!(out, "- **收录记录**: {}", history.join(" · "));
    }
    for (label, papers) in [
        ("引用了本站收录的", &entry.cites_archived),
        ("被本站收录的论文引用", &entry.cited_by_archived),
        ("相关论文", &entry.related),
    ] {
        let list: Vec<String> = papers
            .iter()
            .map(|c| {
                format!(
                    "《{}》（[{d}]({d}.md)）",
                    safe::inline_text(&c.title),
                    d = c.date
                )
            })
            .collect();
        if !list.is_empty() {
            let _ = writeln!(out, "- **{label}**: {}", list.join("、"));
        }
    }
    let source = entry
        .source
        .as_ref()
        .map_or_else(|| "未读取".to_owned(), |s| s.label());
    let _ = writeln!(out, "- **阅读来源**: {source}");
    if !entry.tags.is_empty() {
        let tags: Vec<String> = entry.tags.iter().map(|t| safe::inline_text(t)).collect();
        let _ = writeln!(out, "- **标签**: {}", tags.join(" · "));
    }
    let picked: Vec<String> = entry
        .relevance
        .iter()
        .filter(|(_, r)| r.for_you)
        .map(|(name, r)| format!("⭐ {}（{:.2}）", safe::inline_text(name), r.score))
        .collect();
    if !picked.is_empty() {
        let _ = writeln!(out, "- **为你推荐**: {}", picked.join(" · "));
    }
    if let Some(figure) = key_figure(entry) {
        let _ = write!(out, "\n{figure}\n");
    }
    match &entry.outcome {
        Outcome::Ok { brief, .. } => {
            out.push('\n');
            out.push_str(&render_brief(entry, brief));
        }
        Outcome::Failed(f) => {
            let _ = write!(
                out,
                "- **状态**: ⚠️ 简报生成失败：{}\n\n**摘要**：{}",
                safe::markdown(&f.for_readers()),
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

/// `![图：caption](arXiv image URL)` for a figure whose safe copy was made (a refused image is
/// never linked).
fn key_figure(entry: &Entry) -> Option<String> {
    let (figure, _) = entry.source.as_ref()?.figure.as_ref()?.shown()?;
    let url = safe::http_url(&figure.url)?;
    let caption = safe::inline_text(&figure.caption);
    Some(format!("![图：{}]({url})", caption.trim()))
}

/// `A, B, C 等 12 人`: the first `shown` names, and how many in all when there are more.
fn people(names: &[String], shown: usize, unit: &str) -> String {
    let head = names[..names.len().min(shown)].join(", ");
    if names.len() > shown {
        format!("{head} 等 {} {unit}", names.len())
    } else {
        head
    }
}

/// Named links: the HF page, the arXiv abstract page and — when HF knows them and they are
/// `http(s)` — the code repository and the project page.
fn links(p: &paperbrief_core::PaperRef) -> String {
    let mut out = format!(
        "[Hugging Face]({}) · [arXiv]({})",
        p.hf_url(),
        p.arxiv_url()
    );
    for (label, url) in [("代码", &p.github_repo), ("项目主页", &p.project_page)] {
        if let Some(url) = url.as_deref().and_then(safe::http_url) {
            let _ = write!(out, " · [{label}]({url})");
            if let (Some(stars), "代码") = (p.github_stars, label) {
                let _ = write!(out, "（★ {stars}）");
            }
        }
    }
    out
}

/// The five sections in their canonical headings, each followed by a note naming the numbers it
/// quotes that the paper does not contain, and one linking those it does contain to where the
/// paper states them.
fn render_brief(entry: &Entry, brief: &paperbrief_core::Brief) -> String {
    let mut out = String::new();
    for (i, (name, content)) in brief.sections.iter().enumerate() {
        if i > 0 {
            out.push_str("\n\n");
        }
        let _ = write!(
            out,
            "{}\n{}",
            name.heading(),
            safe::markdown(content).trim_end()
        );
        let numbers: Vec<String> = brief.ungrounded_in(name).map(safe::inline_text).collect();
        if !numbers.is_empty() {
            let _ = write!(out, "\n\n> ⚠️ 原文中未找到的数字：{}", numbers.join("、"));
        }
        let sources: Vec<String> = brief
            .evidence_in(name)
            .iter()
            .filter_map(|e| {
                let url = safe::http_url(&entry.evidence_url(e))?;
                let (text, label) = (safe::inline_text(&e.text), safe::inline_text(&e.label));
                Some(format!("{text}（[{label}]({url})）"))
            })
            .collect();
        if !sources.is_empty() {
            let _ = write!(out, "\n\n> 出处：{}", sources.join("、"));
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

/// The `## 今日速览` block: themes with their papers linked to their entries, then 必读; or
/// why there is no overview.
fn render_overview(report: &DailyReport, out: &mut String) {
    let Some(block) = &report.overview else {
        return;
    };
    out.push_str("## 今日速览\n\n");
    let o = match &block.state {
        crate::overview::OverviewState::Ok(o) => o,
        crate::overview::OverviewState::Failed { reason } => {
            let _ = write!(out, "速览生成失败：{}\n\n", safe::inline_text(reason));
            return;
        }
        crate::overview::OverviewState::Pending { reason } => {
            let _ = write!(out, "⏳ 速览尚未生成：{}\n\n", safe::inline_text(reason));
            return;
        }
    };
    let b = block.based_on;
    if b.briefs < b.papers {
        let _ = write!(out, "> 基于 {}/{} 篇简报\n\n", b.briefs, b.papers);
    }
    for theme in &o.themes {
        let _ = write!(
            out,
            "### {}（{} 篇）\n\n{}\n\n",
            safe::inline_text(&theme.name),
            theme.papers.len(),
            safe::markdown(&theme.summary).trim_end()
        );
        for id in &theme.papers {
            let _ = writeln!(out, "- {}", overview_link(report, id));
        }
        out.push('\n');
    }
    if !o.picks.is_empty() {
        out.push_str("### 必读\n\n");
        for (i, pick) in o.picks.iter().enumerate() {
            let _ = writeln!(
                out,
                "{}. {}：{}",
                i + 1,
                overview_link(report, &pick.id),
                safe::markdown(&pick.why).trim_end()
            );
        }
        out.push('\n');
    }
}

/// A paper as a link to its entry: its Chinese title when it has one.
fn overview_link(report: &DailyReport, id: &str) -> String {
    let entry = report.entries.iter().find(|e| e.paper.id.base() == id);
    let title = entry.map_or(id, Entry::display_title);
    format!("[{}](#paper-{id})", safe::inline_text(title))
}
