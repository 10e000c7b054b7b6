//! Who a paper is from, as its LaTeXML page says: author names from each `ltx_personname`, and
//! affiliations from `ltx_role_affiliation` contacts and the lines of a name block after its
//! first line break — cleaned of e-mail addresses, footnote marks and postal addresses, and
//! deduplicated in order. Never from the model.

use std::sync::LazyLock;

use scraper::{ElementRef, Selector, node::Node};

use super::text::{Inline, has_class, name, normalize};

static PERSONNAME: LazyLock<Selector> =
    LazyLock::new(|| sel(".ltx_authors .ltx_creator.ltx_role_author .ltx_personname"));
static AFFILIATION: LazyLock<Selector> =
    LazyLock::new(|| sel(".ltx_authors .ltx_contact.ltx_role_affiliation"));

#[allow(clippy::expect_used)]
fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("static selector")
}

/// Author names, in page order.
pub(crate) fn authors(article: ElementRef<'_>) -> Vec<String> {
    article.select(&PERSONNAME).flat_map(author_names).collect()
}

/// Affiliations, in page order, each once.
pub(crate) fn affiliations(article: ElementRef<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let contacts = article.select(&AFFILIATION).map(|c| contact_text(c));
    let name_lines = article.select(&PERSONNAME).flat_map(lines_after_name);
    for candidate in contacts.chain(name_lines) {
        for part in candidate.split(['\n', ';']) {
            let cleaned = clean(part);
            if keep(part, &cleaned) && !out.iter().any(|o| o.eq_ignore_ascii_case(&cleaned)) {
                out.push(cleaned);
            }
        }
    }
    out
}

/// Author names from one `ltx_personname`: text before the first line break, without marks,
/// notes or e-mail addresses; several authors in one name are split at commas and "and".
fn author_names(person: ElementRef<'_>) -> Vec<String> {
    let mut raw = String::new();
    for child in person.children() {
        match child.value() {
            Node::Text(t) => raw.push_str(t),
            Node::Element(_) => {
                let Some(e) = ElementRef::wrap(child) else {
                    continue;
                };
                match name(e) {
                    "br" => break,
                    "math" | "sup" | "a" => {}
                    _ if has_class(e, "ltx_note") || has_class(e, "ltx_author_notes") => {}
                    _ => raw.push_str(&Inline::plain(e)),
                }
            }
            _ => {}
        }
    }
    normalize(&raw)
        .split(',')
        .flat_map(|part| part.split(" and "))
        .map(|n| n.trim().trim_start_matches("and ").trim().to_owned())
        .filter(|n| !n.is_empty())
        .collect()
}

/// The text of a contact without its `Affiliation:` label.
fn contact_text(contact: ElementRef<'_>) -> String {
    let mut raw = String::new();
    for child in contact.children() {
        match child.value() {
            Node::Text(t) => raw.push_str(t),
            Node::Element(_) => {
                let Some(e) = ElementRef::wrap(child) else {
                    continue;
                };
                if !has_class(e, "ltx_contact_name") && name(e) != "sup" {
                    raw.push_str(&Inline::plain(e));
                }
            }
            _ => {}
        }
    }
    raw
}

/// The lines of a name block after its first `<br>`: where LaTeXML puts `\\ University of X`.
fn lines_after_name(person: ElementRef<'_>) -> Vec<String> {
    let mut lines = vec![String::new()];
    for child in person.children() {
        match child.value() {
            Node::Text(t) => lines.last_mut().map(|l| l.push_str(t)).unwrap_or_default(),
            Node::Element(_) => {
                let Some(e) = ElementRef::wrap(child) else {
                    continue;
                };
                match name(e) {
                    "br" => lines.push(String::new()),
                    "math" | "sup" | "a" => {}
                    _ if has_class(e, "ltx_note")
                        || has_class(e, "ltx_author_notes")
                        || has_class(e, "ltx_role_address")
                        || has_class(e, "ltx_role_email") => {}
                    _ => {
                        let text = Inline::plain(e);
                        lines
                            .last_mut()
                            .map(|l| l.push_str(&text))
                            .unwrap_or_default();
                    }
                }
            }
            _ => {}
        }
    }
    lines.into_iter().skip(1).collect()
}

/// Whitespace collapsed; footnote marks (`1`, `*`, `†`) at either end and e-mail addresses out.
fn clean(text: &str) -> String {
    let words: Vec<&str> = text
        .split_whitespace()
        .filter(|w| !w.contains('@') && !w.starts_with("http"))
        .collect();
    // An address or link dropped from inside parentheses leaves them empty or open.
    let joined = words.join(" ").replace("()", "").replace("( )", "");
    let joined = match (joined.rfind('('), joined.rfind(')')) {
        (Some(open), close) if close.is_none_or(|c| c < open) => joined[..open].to_owned(),
        _ => joined,
    };
    let marks: &[char] = &[
        '*', '†', '‡', '§', '¶', '♠', '♣', '♡', '♢', ',', ' ', '∗', '⋆',
    ];
    joined
        .trim_matches(|c: char| c.is_ascii_digit() || marks.contains(&c))
        .trim()
        .to_owned()
}

/// Whether a line reads as an institution: letters, not a postal address (a house number or
/// postcode, a street word) or a bare code. `raw` is the line before its marks were trimmed.
fn keep(raw: &str, cleaned: &str) -> bool {
    let letters = cleaned.chars().filter(|c| c.is_alphabetic()).count();
    let digits = raw.chars().filter(char::is_ascii_digit).count();
    let lower = raw.to_ascii_lowercase();
    let street = [
        "street",
        " st.",
        "road",
        "avenue",
        " ave",
        "parkway",
        "boulevard",
        "p.o. box",
    ];
    let address = street.iter().any(|w| lower.contains(w)) || digits >= 4;
    letters >= 3 && !address && cleaned.chars().count() <= 160
}

/// Used by tests: the people of a whole page.
#[cfg(test)]
pub(crate) fn of_page(html: &str) -> (Vec<String>, Vec<String>) {
    let doc = scraper::Html::parse_document(html);
    let article = doc.root_element();
    (authors(article), affiliations(article))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn affiliations_come_clean_and_once() {
        let page = r#"<div class="ltx_authors">
<span class="ltx_creator ltx_role_author"><span class="ltx_personname">Ada Lovelace<sup>1</sup><br class="ltx_break">1 Tsinghua University<br class="ltx_break">ada@tsinghua.edu.cn</span></span>
<span class="ltx_creator ltx_role_author"><span class="ltx_personname">Alan Turing <span class="ltx_note ltx_role_footnotemark"><sup>†</sup></span><br>Google DeepMind<br>1600 Amphitheatre Parkway, Mountain View</span>
<span class="ltx_author_notes"><span class="ltx_contact ltx_role_affiliation"><span class="ltx_contact_name">Affiliation: </span>tsinghua university</span></span></span>
<span class="ltx_creator ltx_role_author"><span class="ltx_personname">Barbara Liskov<br>MIT (<a href="mailto:b@mit.edu">b@mit.edu</a>)<br>Stanford University (liskov@</span></span>
<span class="ltx_creator ltx_role_author"><span class="ltx_personname">Grace Hopper</span><span class="ltx_author_notes"><span class="ltx_contact ltx_role_affiliation"><span class="ltx_contact_name">Affiliation: </span>Yale University<sup>*</sup></span>
<span class="ltx_contact ltx_role_email"><span class="ltx_contact_name">Email: </span>grace@yale.edu</span></span></span>
</div>"#;
        let (authors, affiliations) = of_page(page);
        assert_eq!(
            authors,
            [
                "Ada Lovelace",
                "Alan Turing",
                "Barbara Liskov",
                "Grace Hopper"
            ]
        );
        assert_eq!(
            affiliations,
            [
                "tsinghua university",
                "Yale University",
                "Google DeepMind",
                "MIT",
                "Stanford University"
            ],
            "contacts first, then name blocks; e-mails, marks and the street address gone, each once"
        );
    }
}
