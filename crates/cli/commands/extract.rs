//! `paperbrief extract`: what paperbrief reads of one paper.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use paperbrief_core::{ArxivId, SourceDoc, SourceKind};
use paperbrief_fetch::Sources;
use paperbrief_fetch::extract::{Parsed, parse_document};
use serde::Serialize;

use super::Outcome;
use crate::args::{ExtractArgs, GlobalArgs};
use crate::settings;

/// The JSON shape: a SourceDoc whose id may be unknown (a saved page that does not name it).
#[derive(Debug, Serialize)]
struct Shown<'a> {
    kind: SourceKind,
    id: Option<String>,
    url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fallback: Option<&'a str>,
    title: &'a str,
    authors: &'a [String],
    affiliations: &'a [String],
    #[serde(rename = "abstract")]
    abstract_text: &'a str,
    sections: &'a [paperbrief_core::Section],
    captions: &'a [paperbrief_core::Caption],
    tables: &'a [paperbrief_core::Table],
    /// The key figure, as the page gives it.
    #[serde(skip_serializing_if = "Option::is_none")]
    figure: Option<&'a paperbrief_core::KeyFigure>,
    /// The arXiv papers the bibliography cites.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    cites: &'a [ArxivId],
}

pub(crate) async fn run(global: &GlobalArgs, args: &ExtractArgs) -> Result<Outcome> {
    let path = Path::new(&args.target);
    if path.exists() {
        return from_file(path, args.json);
    }
    let id = ArxivId::from_user(&args.target).with_context(|| {
        format!(
            "`{}` is neither an existing file nor an arXiv id",
            args.target
        )
    })?;
    let config = settings::load(global)?;
    let sources = Sources::from_config(&config, !args.no_cache)?;
    let outcome = sources.arxiv.fetch_source(&id, None).await?;
    if let Some(why) = &outcome.fallback {
        let when = if why.transient { " (for now)" } else { "" };
        eprintln!("note: {id}: {}{when}; showing the abstract", why.reason);
    }
    print_doc(
        &outcome.doc,
        Some(outcome.doc.url.as_str()),
        outcome.fallback.as_ref().map(|f| f.reason.as_str()),
        args.json,
    )?;
    Ok(Outcome::Success)
}

fn from_file(path: &Path, json: bool) -> Result<Outcome> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    let placeholder = super::unnamed_paper();
    let (docs, known_ids): (Vec<SourceDoc>, Vec<Option<ArxivId>>) = match parse_document(&text) {
        Parsed::FullText(e) => {
            let id = e.id.clone();
            (
                vec![e.into_source(placeholder, String::new(), "")],
                vec![id],
            )
        }
        Parsed::Abstract(info) => {
            let id = info.id.as_deref().and_then(|s| ArxivId::parse(s).ok());
            (vec![info.into_source(placeholder, String::new())], vec![id])
        }
        Parsed::Feed(entries) if !entries.is_empty() => entries
            .into_iter()
            .map(|info| {
                let id = info.id.as_deref().and_then(|s| ArxivId::parse(s).ok());
                (info.into_source(placeholder.clone(), String::new()), id)
            })
            .unzip(),
        other => {
            let detail = match &other {
                Parsed::ConversionFailed(why) | Parsed::Unknown(why) => format!(": {why}"),
                _ => String::new(),
            };
            eprintln!(
                "{}: {}{detail}; no paper text in it",
                path.display(),
                other.label()
            );
            return Ok(Outcome::Partial);
        }
    };
    if json && docs.len() > 1 {
        let shown: Vec<Shown<'_>> = docs
            .iter()
            .zip(&known_ids)
            .map(|(d, id)| shown(d, id.as_ref(), None, None))
            .collect();
        println!("{}", serde_json::to_string_pretty(&shown)?);
        return Ok(Outcome::Success);
    }
    for (doc, id) in docs.iter().zip(&known_ids) {
        let s = shown(doc, id.as_ref(), None, None);
        if json {
            println!("{}", serde_json::to_string_pretty(&s)?);
        } else {
            print!("{}", render_text(&s));
        }
    }
    Ok(Outcome::Success)
}

fn print_doc(doc: &SourceDoc, url: Option<&str>, fallback: Option<&str>, json: bool) -> Result<()> {
    let s = shown(doc, Some(&doc.id), url, fallback);
    if json {
        println!("{}", serde_json::to_string_pretty(&s)?);
    } else {
        print!("{}", render_text(&s));
    }
    Ok(())
}

fn shown<'a>(
    doc: &'a SourceDoc,
    id: Option<&ArxivId>,
    url: Option<&'a str>,
    fallback: Option<&'a str>,
) -> Shown<'a> {
    Shown {
        kind: doc.kind,
        id: id.map(ToString::to_string),
        url,
        fallback,
        title: &doc.title,
        authors: &doc.authors,
        affiliations: &doc.affiliations,
        figure: doc.figure.as_ref(),
        cites: &doc.cites,
        abstract_text: &doc.abstract_text,
        sections: &doc.sections,
        captions: &doc.captions,
        tables: &doc.tables,
    }
}

/// A reader's view: header, abstract, each section with its tables and captions.
fn render_text(s: &Shown<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}", s.title);
    let _ = writeln!(
        out,
        "id: {}",
        s.id.as_deref().unwrap_or("(not named in the file)")
    );
    let _ = writeln!(out, "kind: {}", s.kind.report_label());
    if let Some(url) = s.url {
        let _ = writeln!(out, "url: {url}");
    }
    let _ = writeln!(out, "authors: {}", s.authors.join(", "));
    if !s.affiliations.is_empty() {
        let _ = writeln!(out, "affiliations: {}", s.affiliations.join(" · "));
    }
    let _ = writeln!(out, "\n## Abstract\n\n{}\n", s.abstract_text);
    for (i, sec) in s.sections.iter().enumerate() {
        let marks = "#".repeat(usize::from(sec.level) + 1);
        let appendix = if sec.appendix { " [appendix]" } else { "" };
        let _ = writeln!(out, "{marks} {}{appendix}\n", sec.heading);
        if !sec.text.is_empty() {
            let _ = writeln!(out, "{}\n", sec.text);
        }
        for t in s.tables.iter().filter(|t| t.section == Some(i)) {
            let _ = writeln!(out, "[{}]\n{}\n", t.caption, t.text);
        }
        for c in s.captions.iter().filter(|c| c.section == Some(i)) {
            let _ = writeln!(out, "[{}]\n", c.text);
        }
    }
    out
}
