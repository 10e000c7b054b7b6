//! `feed.xml`: an Atom entry per paper of the newest `[site] feed_days` days, and one per digest
//! of that span. Ids are stable (`urn:paperbrief:2026-02-10:2602.07040`: the same paper on the
//! same day keeps its id across rebuilds); `updated` is when the report's content last changed;
//! links point at the paper's anchor on its page; the content is the key figure (absolute under
//! `base_url`), then the brief, sanitised.

use atom_syndication::{Content, Entry, Feed, FixedDateTime, Link, Person, Text};
use chrono::{TimeZone, Utc};
use paperbrief_report::{DailyReport, Outcome};

use crate::figures::{Available, FigureView};
use crate::settings::SiteSettings;
use crate::view::{ArticleView, key_of, page_name};
use paperbrief_report::html;

/// The feed of `reports` (newest last or first: it sorts them itself), showing the key figures
/// the site has.
pub(crate) fn feed(
    reports: &[DailyReport],
    settings: &SiteSettings,
    figures: &Available,
) -> String {
    let mut days: Vec<&DailyReport> = reports.iter().filter(|r| r.period.is_none()).collect();
    days.sort_by_key(|r| std::cmp::Reverse(r.date));
    days.truncate(settings.feed_days);
    let oldest = days.last().map(|r| r.date);
    let mut entries: Vec<Entry> = days
        .iter()
        .flat_map(|r| paper_entries(r, settings, figures))
        .collect();
    for digest in reports.iter().filter(|r| {
        r.period
            .as_ref()
            .is_some_and(|p| oldest.is_none_or(|o| p.period.last() >= o))
    }) {
        entries.push(digest_entry(digest, settings));
    }
    let updated = entries
        .iter()
        .map(|e| *e.updated())
        .max()
        .unwrap_or_else(|| at(None, None));
    let mut feed = Feed::default();
    feed.set_title(Text::plain(settings.title.clone()));
    feed.set_id(
        settings
            .base_url
            .as_ref()
            .map_or_else(|| "urn:paperbrief:feed".to_owned(), ToString::to_string),
    );
    feed.set_updated(updated);
    feed.set_authors(vec![Person {
        name: "paperbrief".into(),
        ..Person::default()
    }]);
    feed.set_links(vec![
        link(settings.link("index.html"), "alternate"),
        link(settings.link("feed.xml"), "self"),
    ]);
    feed.set_entries(entries);
    feed.to_string()
}

fn paper_entries(report: &DailyReport, settings: &SiteSettings, figures: &Available) -> Vec<Entry> {
    let page = page_name(key_of(report));
    report
        .entries
        .iter()
        .filter(|e| matches!(e.outcome, Outcome::Ok { .. }))
        .map(|e| {
            let view = ArticleView::of(e, false, None, None, figures);
            let mut entry = Entry::default();
            entry.set_id(format!("urn:paperbrief:{}:{}", report.date, view.id));
            entry.set_title(Text::plain(e.paper.title.clone()));
            entry.set_updated(at(report.generated_at, Some(report)));
            entry.set_links(vec![link(
                settings.link(&format!("{page}#{}", view.id)),
                "alternate",
            )]);
            let figure = view
                .figure
                .as_ref()
                .map_or_else(String::new, |f| figure_html(f, settings));
            entry.set_content(Some(html_content(figure + &brief_html(e))));
            entry
        })
        .collect()
}

fn digest_entry(report: &DailyReport, settings: &SiteSettings) -> Entry {
    let page = page_name(key_of(report));
    let (heading, summary) = crate::view::heading(report);
    let mut entry = Entry::default();
    let label = report
        .period
        .as_ref()
        .map_or_else(String::new, |p| p.period.to_string());
    entry.set_id(format!("urn:paperbrief:digest:{label}"));
    entry.set_title(Text::plain(heading));
    entry.set_updated(at(report.generated_at, Some(report)));
    entry.set_links(vec![link(settings.link(&page), "alternate")]);
    let list: String = report
        .entries
        .iter()
        .map(|e| {
            format!(
                "<li>{}（▲ {}）</li>",
                escape(&e.paper.title),
                e.paper.upvotes
            )
        })
        .collect();
    entry.set_content(Some(html_content(format!(
        "<p>{}</p><ol>{list}</ol>",
        escape(&summary)
    ))));
    entry
}

/// The key figure as feed readers show it: the image at its absolute URL under `base_url`.
fn figure_html(figure: &FigureView, settings: &SiteSettings) -> String {
    format!(
        r#"<figure><img src="{}" width="{}" height="{}" alt="{}"><figcaption>{}</figcaption></figure>"#,
        escape(&settings.link(&figure.src)),
        figure.width,
        figure.height,
        escape(&figure.caption),
        escape(&figure.caption)
    )
}

/// The brief as HTML: each section's name as a heading, its Markdown rendered and sanitised.
fn brief_html(entry: &paperbrief_report::Entry) -> String {
    let Outcome::Ok { brief, .. } = &entry.outcome else {
        return String::new();
    };
    let mut out = String::new();
    for (name, content) in brief.sections.iter() {
        out.push_str(&format!(
            "<h3>{}</h3>{}",
            name.zh(),
            html::markdown(content)
        ));
    }
    html::clean(&out)
}

fn html_content(value: String) -> Content {
    Content {
        value: Some(value),
        content_type: Some("html".into()),
        ..Content::default()
    }
}

fn link(href: String, rel: &str) -> Link {
    Link {
        href,
        rel: rel.into(),
        ..Link::default()
    }
}

/// When the report's content last changed, else the end of its day.
fn at(generated: Option<chrono::DateTime<Utc>>, report: Option<&DailyReport>) -> FixedDateTime {
    let fallback = || {
        report
            .and_then(|r| r.date.date().and_hms_opt(23, 59, 59))
            .map_or_else(Utc::now, |d| Utc.from_utc_datetime(&d))
    };
    generated.unwrap_or_else(fallback).fixed_offset()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
