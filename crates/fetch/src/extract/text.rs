//! Inline text of LaTeXML markup: math as `$alttext$`, citations as short markers, footnotes
//! collected for the end of the paragraph, conversion errors and decoration dropped.

use scraper::{ElementRef, node::Node};

/// Deeper markup than this is not descended into: hostile pages cannot overflow the stack.
pub(crate) const MAX_DEPTH: usize = 200;

/// Citations longer than this are replaced by a generic marker.
const MAX_CITE_CHARS: usize = 80;

/// Whether an element carries a class.
pub(crate) fn has_class(el: ElementRef<'_>, class: &str) -> bool {
    el.value().classes().any(|c| c == class)
}

/// The element children of `el`.
pub(crate) fn child_elements(el: ElementRef<'_>) -> impl Iterator<Item = ElementRef<'_>> {
    el.children().filter_map(ElementRef::wrap)
}

/// The element's tag name.
pub(crate) fn name(el: ElementRef<'_>) -> &str {
    el.value().name()
}

/// Inline text with footnotes gathered separately.
#[derive(Debug, Default)]
pub(crate) struct Inline {
    text: String,
    notes: Vec<String>,
}

impl Inline {
    /// The text of `el` (normalised), with its footnotes appended as `[Footnote: …]`.
    pub(crate) fn paragraph(el: ElementRef<'_>) -> String {
        let mut inline = Self::default();
        inline.walk(el, 0);
        inline.finish()
    }

    /// The text of `el` (normalised) with footnotes dropped, for titles and headings.
    pub(crate) fn plain(el: ElementRef<'_>) -> String {
        let mut inline = Self::default();
        inline.walk(el, 0);
        normalize(&inline.text)
    }

    /// Adds `el`'s inline content.
    pub(crate) fn walk(&mut self, el: ElementRef<'_>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        for child in el.children() {
            match child.value() {
                Node::Text(t) => self.text.push_str(t),
                Node::Element(_) => {
                    if let Some(e) = ElementRef::wrap(child) {
                        self.element(e, depth + 1);
                    }
                }
                _ => {}
            }
        }
    }

    fn element(&mut self, e: ElementRef<'_>, depth: usize) {
        match name(e) {
            "math" => {
                let tex = math_tex(e);
                if !tex.is_empty() {
                    let delim = if e.value().attr("display") == Some("block") {
                        "$$"
                    } else {
                        "$"
                    };
                    // Adjacent formulas must not read as `$$` display delimiters.
                    if self.text.ends_with('$') {
                        self.text.push(' ');
                    }
                    self.text.push_str(delim);
                    self.text.push_str(&tex);
                    self.text.push_str(delim);
                }
            }
            "script" | "style" | "img" | "button" | "nav" | "noscript" | "template" | "input" => {}
            "br" => self.text.push(' '),
            "cite" => {
                let marker = Self::plain(e);
                if marker.chars().count() > MAX_CITE_CHARS {
                    self.text.push_str("[citation]");
                } else {
                    self.text.push_str(&marker);
                }
            }
            _ if has_class(e, "ltx_note") => {
                if has_class(e, "ltx_role_footnote") {
                    let note = footnote_text(e);
                    if !note.is_empty() {
                        self.notes.push(note);
                    }
                }
            }
            _ if is_dropped(e) => {}
            "tr" => {
                self.walk(e, depth);
                self.text.push_str(" ; ");
            }
            "td" | "th" => {
                self.walk(e, depth);
                self.text.push_str(" | ");
            }
            _ => self.walk(e, depth),
        }
    }

    /// The normalised text plus its footnotes.
    pub(crate) fn finish(self) -> String {
        let mut out = normalize(&self.text);
        for note in self.notes {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str("[Footnote: ");
            out.push_str(&note);
            out.push(']');
        }
        out
    }
}

/// Elements whose content is never text of the paper.
fn is_dropped(e: ElementRef<'_>) -> bool {
    [
        "ltx_ERROR",
        "ltx_rule",
        "ltx_pagination",
        "ltx_note_mark",
        "ltx_tag_note",
        "ltx_note_type",
    ]
    .iter()
    .any(|c| has_class(e, c))
}

fn footnote_text(note: ElementRef<'_>) -> String {
    let content = note
        .descendants()
        .filter_map(ElementRef::wrap)
        .find(|e| has_class(*e, "ltx_note_content"));
    match content {
        Some(c) => Inline::plain(c),
        None => String::new(),
    }
}

/// The TeX of a `<math>` element: its `alttext`, else its TeX annotation, else its text.
pub(crate) fn math_tex(math: ElementRef<'_>) -> String {
    if let Some(alt) = math.value().attr("alttext") {
        return normalize(alt);
    }
    let annotation = math.descendants().filter_map(ElementRef::wrap).find(|e| {
        name(*e) == "annotation" && e.value().attr("encoding") == Some("application/x-tex")
    });
    match annotation {
        Some(a) => normalize(&a.text().collect::<String>()),
        None => normalize(&math.text().collect::<String>()),
    }
}

/// Collapses whitespace, drops invisible MathML operators and zero-width characters, and tidies
/// the spaces math and citations leave before punctuation.
pub(crate) fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s
        .split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
    {
        let word: String = word.chars().filter(|c| !is_invisible(*c)).collect();
        if word.is_empty() {
            continue;
        }
        let glue = word.starts_with([',', '.', ';', ':', ')', ']', '?', '!'])
            && !word.starts_with("$")
            && !out.ends_with(['(', '[']);
        if !out.is_empty() && !glue && !out.ends_with(['(', '[']) {
            out.push(' ');
        }
        out.push_str(&word);
    }
    out.trim_end_matches(" ;").trim_end_matches(" |").to_owned()
}

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{2061}'..='\u{2064}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}' | '\u{00AD}'
    )
}

/// An element's `id`, as the page writes it (empty when it has none or it is not one to link
/// to: [`paperbrief_core::is_element_id`]).
pub(crate) fn element_id(el: ElementRef<'_>) -> String {
    el.value()
        .attr("id")
        .filter(|id| paperbrief_core::is_element_id(id))
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use scraper::{Html, Selector};

    use super::*;

    fn first(html: &str, sel: &str) -> String {
        let doc = Html::parse_fragment(html);
        let s = Selector::parse(sel).unwrap();
        Inline::paragraph(doc.select(&s).next().unwrap())
    }

    #[test]
    fn math_citations_footnotes_and_errors() {
        let html = r##"<p class="ltx_p">We use <math alttext="O(n^{2})" display="inline"><mi>O</mi><annotation encoding="application/x-tex">O(n^{2})</annotation></math> attention <cite class="ltx_cite">[<a href="#bib.bib13" class="ltx_ref">13</a>]</cite>.<span class="ltx_note ltx_role_footnote"><sup class="ltx_note_mark">1</sup><span class="ltx_note_outer"><span class="ltx_note_content"><sup class="ltx_note_mark">1</sup><span class="ltx_tag ltx_tag_note">1</span>Code is public.</span></span></span> Done<span class="ltx_ERROR undefined">\newboolean</span>.</p>"##;
        assert_eq!(
            first(html, "p"),
            "We use $O(n^{2})$ attention [13]. Done. [Footnote: Code is public.]"
        );
    }

    #[test]
    fn normalize_tidies_whitespace_and_invisible_operators() {
        assert_eq!(normalize("  a\n\t b \u{2061}c ( x ) , y  "), "a b c (x), y");
    }

    #[test]
    fn long_citations_become_markers() {
        let long = "A. Author and B. Author and C. Author, A very long title that is clearly reference text, 2024";
        let html = format!(r#"<p>See <cite>{long}</cite> here</p>"#);
        assert_eq!(first(&html, "p"), "See [citation] here");
    }
}
