//! arXiv's LaTeXML HTML (`article.ltx_document`) → title, authors, abstract, sections, captions
//! and tables. Bibliography, acknowledgements, navigation and page chrome are dropped.

use std::sync::LazyLock;

use paperbrief_core::{ArxivId, Caption, Section, Table};
use scraper::{ElementRef, Html, Selector, node::Node};

use super::Extracted;
use super::blocks::{equation, is_equation, listing, numbered_listing, table_text, tables_in};
use super::classify::{
    is_chrome, is_front_matter, is_heading, is_leaf_block, is_section, strip_number,
};
use super::paragraphs::Paragraphs;
use super::text::{Inline, MAX_DEPTH, child_elements, element_id, has_class, name, normalize};

static ARTICLE: LazyLock<Selector> =
    LazyLock::new(|| sel("article.ltx_document, div.ltx_document"));
static TITLE: LazyLock<Selector> = LazyLock::new(|| sel(".ltx_title_document"));
static ABSTRACT: LazyLock<Selector> = LazyLock::new(|| sel(".ltx_abstract"));
static ASSETS: LazyLock<Selector> = LazyLock::new(|| sel("img[src], object[data], a[href]"));

#[allow(clippy::expect_used)]
fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("static selector")
}

/// Section headings whose content is not part of the paper's argument.
const DROPPED_HEADINGS: &[&str] = &[
    "acknowledgement",
    "acknowledgment",
    "acknowledgements",
    "acknowledgments",
    "references",
    "bibliography",
];

/// Extracts a LaTeXML document; `None` when `doc` holds no `ltx_document`.
pub(crate) fn extract(doc: &Html) -> Option<Extracted> {
    let article = doc.select(&ARTICLE).next()?;
    let title = article
        .select(&TITLE)
        .next()
        .map(Inline::plain)
        .unwrap_or_default();
    let authors = super::people::authors(article);
    let affiliations = super::people::affiliations(article);
    let mut walker = Walker::default();
    let mut abstract_paras = Vec::new();
    if let Some(a) = article.select(&ABSTRACT).next() {
        for child in child_elements(a).filter(|c| !has_class(*c, "ltx_title")) {
            walker.blocks(child, None, &mut abstract_paras, 0);
        }
    }
    let abstract_text = abstract_paras.join("\n\n");
    let figure = super::figure::key_figure(article);
    walker.article(article);
    Some(Extracted {
        id: id_from_assets(doc),
        title,
        authors,
        affiliations,
        abstract_text,
        sections: walker.sections,
        captions: walker.captions,
        tables: walker.tables,
        figure,
        base_href: super::figure::base_href(doc),
        cites: super::cites::cited(article),
    })
}

/// arXiv serves figures and build logs from `{id}v{N}/…` relative paths; the first one names
/// the paper.
fn id_from_assets(doc: &Html) -> Option<ArxivId> {
    doc.select(&ASSETS).find_map(|e| {
        let v = e.value();
        let target = v.attr("src").or(v.attr("data")).or(v.attr("href"))?;
        let first = target.trim_start_matches("./").split('/').next()?;
        ArxivId::parse(first)
            .ok()
            .filter(|id| id.version().is_some())
    })
}

#[derive(Debug, Default)]
struct Walker {
    sections: Vec<Section>,
    captions: Vec<Caption>,
    tables: Vec<Table>,
    in_appendix: bool,
}

impl Walker {
    /// Top level: sections in order; loose paragraphs after the abstract go to an untitled
    /// section; front matter (before the title) and the abstract are skipped.
    fn article(&mut self, article: ElementRef<'_>) {
        let mut loose = Paragraphs::default();
        let mut seen_title = false;
        for child in child_elements(article) {
            if is_section(child) {
                self.flush_loose(&mut loose);
                self.section(child, 1, 0);
            } else if has_class(child, "ltx_title_document") {
                seen_title = true;
            } else if seen_title && !is_front_matter(child) {
                // The untitled section is pushed when flushed: point captions at its index.
                let idx = Some(self.sections.len());
                let start = loose.texts.len();
                self.blocks(child, idx, &mut loose.texts, 0);
                loose.mark(start, child);
            }
        }
        self.flush_loose(&mut loose);
    }

    fn flush_loose(&mut self, loose: &mut Paragraphs) {
        if loose.texts.is_empty() {
            return;
        }
        let (text, paragraphs) = std::mem::take(loose).join();
        self.sections.push(Section {
            heading: String::new(),
            level: 1,
            text,
            appendix: self.in_appendix,
            anchor: String::new(),
            paragraphs,
        });
    }

    fn section(&mut self, sec: ElementRef<'_>, level: u8, depth: usize) {
        if depth > MAX_DEPTH || has_class(sec, "ltx_bibliography") {
            return;
        }
        let heading = child_elements(sec)
            .find(|e| is_heading(*e))
            .map(Inline::plain)
            .unwrap_or_default();
        let bare = strip_number(&heading).to_lowercase();
        if DROPPED_HEADINGS
            .iter()
            .any(|h| bare.trim_end_matches([':', '.']) == *h)
        {
            return;
        }
        if has_class(sec, "ltx_appendix")
            || (level == 1
                && ["appendix", "appendices", "supplementary"]
                    .iter()
                    .any(|a| bare.starts_with(a)))
        {
            self.in_appendix = true;
        }
        let idx = self.sections.len();
        self.sections.push(Section {
            heading,
            level,
            text: String::new(),
            appendix: self.in_appendix,
            anchor: element_id(sec),
            paragraphs: Vec::new(),
        });
        let mut paras = Paragraphs::default();
        for child in child_elements(sec) {
            if is_heading(child) {
                continue;
            }
            if has_class(child, "ltx_paragraph") || has_class(child, "ltx_subparagraph") {
                self.run_in(child, idx, &mut paras, depth + 1);
            } else if is_section(child) {
                self.section(child, level.saturating_add(1).min(4), depth + 1);
            } else {
                let start = paras.texts.len();
                self.blocks(child, Some(idx), &mut paras.texts, depth + 1);
                paras.mark(start, child);
            }
        }
        let (text, paragraphs) = paras.join();
        self.sections[idx].text = text;
        self.sections[idx].paragraphs = paragraphs;
    }

    /// A `\paragraph{Title}`: its title runs into its first paragraph.
    fn run_in(&mut self, el: ElementRef<'_>, idx: usize, paras: &mut Paragraphs, depth: usize) {
        let title = child_elements(el)
            .find(|e| is_heading(*e))
            .map(Inline::plain)
            .unwrap_or_default();
        let start = paras.texts.len();
        paras.mark_at(start, el);
        for child in child_elements(el).filter(|e| !is_heading(*e)) {
            let at = paras.texts.len();
            self.blocks(child, Some(idx), &mut paras.texts, depth + 1);
            paras.mark(at, child);
        }
        if title.is_empty() {
            paras.unmark_after(start);
            return;
        }
        match paras.texts.get_mut(start) {
            Some(first) => *first = format!("{title} {first}"),
            None => paras.texts.push(title),
        }
    }

    /// Block-level content of a section: paragraphs, lists, equations, theorems; figures and
    /// tables are recorded separately.
    fn blocks(
        &mut self,
        el: ElementRef<'_>,
        idx: Option<usize>,
        paras: &mut Vec<String>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH || is_chrome(el) {
            return;
        }
        if name(el) == "figure" {
            push_nonempty(paras, self.figure(el, idx));
        } else if has_class(el, "ltx_para") || name(el) == "p" {
            let text = self.para(el, idx, depth);
            push_nonempty(paras, text);
        } else if has_class(el, "ltx_theorem") || has_class(el, "ltx_proof") {
            let start = paras.len();
            let title = child_elements(el)
                .find(|e| is_heading(*e))
                .map(Inline::plain);
            for child in child_elements(el).filter(|e| !is_heading(*e)) {
                self.blocks(child, idx, paras, depth + 1);
            }
            if let Some(t) = title.filter(|t| !t.is_empty()) {
                match paras.get_mut(start) {
                    Some(first) => *first = format!("{t} {first}"),
                    None => paras.push(t),
                }
            }
        } else if is_section(el) {
            self.section(el, 4, depth + 1);
        } else if is_leaf_block(el) {
            push_nonempty(paras, self.leaf_block(el, idx, depth));
        } else {
            for child in el.children() {
                if let Some(e) = ElementRef::wrap(child) {
                    self.blocks(e, idx, paras, depth + 1);
                } else if let Node::Text(t) = child.value() {
                    push_nonempty(paras, normalize(t));
                }
            }
        }
    }

    /// One `ltx_para`: its pieces (text, display equations, lists) joined by line breaks, with
    /// footnotes at the end.
    fn para(&mut self, el: ElementRef<'_>, idx: Option<usize>, depth: usize) -> String {
        if name(el) == "p" {
            return Inline::paragraph(el);
        }
        let mut pieces = Vec::new();
        for child in el.children() {
            if let Some(e) = ElementRef::wrap(child) {
                if name(e) == "figure" {
                    push_nonempty(&mut pieces, self.figure(e, idx));
                } else if is_chrome(e) {
                } else if is_leaf_block(e) || name(e) == "p" {
                    push_nonempty(&mut pieces, self.leaf_block(e, idx, depth + 1));
                } else {
                    let mut nested = Vec::new();
                    self.blocks(e, idx, &mut nested, depth + 1);
                    pieces.extend(nested);
                }
            } else if let Node::Text(t) = child.value() {
                push_nonempty(&mut pieces, normalize(t));
            }
        }
        pieces.join("\n")
    }

    fn leaf_block(&mut self, el: ElementRef<'_>, idx: Option<usize>, depth: usize) -> String {
        match name(el) {
            "ul" | "ol" | "dl" => self.list(el, idx, depth),
            "table" if is_equation(el) => equation(el),
            "table" => table_text(el),
            _ if has_class(el, "ltx_listing") => listing(el),
            _ => Inline::paragraph(el),
        }
    }

    fn list(&mut self, list: ElementRef<'_>, idx: Option<usize>, depth: usize) -> String {
        let mut lines = Vec::new();
        for item in child_elements(list)
            .filter(|e| matches!(name(*e), "li" | "dt" | "dd") && !is_chrome(*e))
        {
            let tag = child_elements(item)
                .find(|e| has_class(*e, "ltx_tag"))
                .map(Inline::plain)
                .filter(|t| !t.is_empty() && t != "•" && t != "∙" && t != "–")
                .unwrap_or_else(|| "-".to_owned());
            let mut body = Vec::new();
            for child in child_elements(item).filter(|e| !has_class(*e, "ltx_tag")) {
                self.blocks(child, idx, &mut body, depth + 1);
            }
            let body = body.join(" ");
            if !body.is_empty() {
                lines.push(format!("{tag} {body}"));
            }
        }
        lines.join("\n")
    }

    /// Records a figure's captions and tables; an algorithm float's listing is returned, to
    /// stay in the text where it stands.
    fn figure(&mut self, fig: ElementRef<'_>, idx: Option<usize>) -> String {
        let caption = child_elements(fig)
            .find(|e| name(*e) == "figcaption")
            .map(Inline::paragraph)
            .unwrap_or_default();
        if has_class(fig, "ltx_table") {
            let text = tables_in(fig);
            if !caption.is_empty() || !text.is_empty() {
                self.tables.push(Table {
                    section: idx,
                    caption,
                    text,
                    anchor: element_id(fig),
                });
            }
            return String::new();
        }
        if has_class(fig, "ltx_float") {
            push_caption(&mut self.captions, idx, caption, fig);
            return algorithm(fig);
        }
        // Tabular displays inside a figure (e.g. profiles drawn as tables) are tables too.
        let text = tables_in(fig);
        if !text.is_empty() {
            self.tables.push(Table {
                section: idx,
                caption,
                text,
                anchor: element_id(fig),
            });
            return String::new();
        }
        // Sub-figures have their own captions; keep them all, in order.
        for panel in
            child_elements(fig).filter(|e| name(*e) == "figure" || has_class(*e, "ltx_flex_figure"))
        {
            for sub in panel
                .descendants()
                .filter_map(ElementRef::wrap)
                .filter(|e| name(*e) == "figure")
            {
                if let Some(c) = child_elements(sub).find(|e| name(*e) == "figcaption") {
                    push_caption(&mut self.captions, idx, Inline::paragraph(c), sub);
                }
            }
            let own = child_elements(panel).find(|e| name(*e) == "figcaption");
            if let Some(c) = own.filter(|_| name(panel) == "figure") {
                push_caption(&mut self.captions, idx, Inline::paragraph(c), panel);
            }
        }
        push_caption(&mut self.captions, idx, caption, fig);
        String::new()
    }
}

/// An algorithm float's listing as numbered lines: it is often the method itself, so it stays
/// in the text where it stands (its caption goes with the captions).
fn algorithm(fig: ElementRef<'_>) -> String {
    let listings: Vec<String> = fig
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| has_class(*e, "ltx_listing"))
        .filter(|e| {
            // Only outermost listings: a listing inside another is already in its text.
            !e.ancestors()
                .filter_map(ElementRef::wrap)
                .take_while(|a| a.id() != fig.id())
                .any(|a| has_class(a, "ltx_listing"))
        })
        .map(numbered_listing)
        .filter(|l| !l.is_empty())
        .collect();
    listings.join("\n\n")
}

fn push_caption(
    captions: &mut Vec<Caption>,
    section: Option<usize>,
    text: String,
    el: ElementRef<'_>,
) {
    if !text.is_empty() && !captions.iter().any(|c| c.text == text) {
        captions.push(Caption {
            section,
            text,
            anchor: element_id(el),
        });
    }
}

fn push_nonempty(out: &mut Vec<String>, text: String) {
    if !text.trim().is_empty() {
        out.push(text);
    }
}
