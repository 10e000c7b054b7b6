//! A reader's library, from the file a reference manager exports: BibTeX/BibLaTeX (the `biblatex`
//! crate), CSL-JSON (serde), RIS, or a plain list of arXiv ids. Each item gives what is known of
//! it — title, abstract, arXiv id, authors; items without a title are counted and skipped, never
//! fatal. A file that does not parse is an error naming the file and the line.

use std::path::{Path, PathBuf};

use paperbrief_core::ArxivId;
use serde::Deserialize;

use crate::error::InterestsError;

/// One item of a library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryItem {
    /// Its title (an arXiv id alone stands in for the title of an id-only item).
    pub title: String,
    /// Its abstract, when the export has one.
    pub abstract_text: String,
    /// Its arXiv id, when known.
    pub arxiv: Option<ArxivId>,
}

impl LibraryItem {
    /// The text embedded for it: title and abstract.
    pub fn text(&self) -> String {
        if self.abstract_text.is_empty() {
            self.title.clone()
        } else {
            format!("{}\n{}", self.title, self.abstract_text)
        }
    }
}

/// What a library file held.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Library {
    /// The items with a title.
    pub items: Vec<LibraryItem>,
    /// Items skipped for having no title.
    pub untitled: usize,
}

impl Library {
    /// Items that have an abstract.
    pub fn with_abstract(&self) -> usize {
        self.items
            .iter()
            .filter(|i| !i.abstract_text.is_empty())
            .count()
    }

    pub(crate) fn push_item(&mut self, title: &str, abstract_text: &str, arxiv: Option<ArxivId>) {
        let title = clean(title);
        if title.is_empty() {
            self.untitled += 1;
            return;
        }
        self.items.push(LibraryItem {
            title,
            abstract_text: clean(abstract_text),
            arxiv,
        });
    }
}

/// `~/x` as the home directory's `x`.
pub fn expand_home(path: &Path) -> PathBuf {
    match (path.strip_prefix("~"), std::env::var_os("HOME")) {
        (Ok(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => path.to_owned(),
    }
}

/// Reads the library at `path`, its format from the extension (`.bib`, `.json`, `.ris`; any
/// other: arXiv ids one a line).
pub fn read(path: &Path) -> Result<Library, InterestsError> {
    let path = expand_home(path);
    let text = std::fs::read_to_string(&path).map_err(|source| InterestsError::LibraryFile {
        path: path.clone(),
        source,
    })?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let bad = |line: usize, message: String| InterestsError::Malformed {
        path: path.clone(),
        line,
        message,
    };
    match ext.as_str() {
        "bib" | "bibtex" | "biblatex" => bibtex(&text).map_err(|(l, m)| bad(l, m)),
        "json" => csl_json(&text).map_err(|(l, m)| bad(l, m)),
        "ris" => ris(&text).map_err(|(l, m)| bad(l, m)),
        _ => ids(&text).map_err(|(l, m)| bad(l, m)),
    }
}

type Parsed = Result<Library, (usize, String)>;

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// BibTeX and BibLaTeX: title, abstract, and the arXiv id from `eprint` (with `archiveprefix`
/// arXiv), a `10.48550/arXiv.` DOI, or an arxiv.org URL.
pub fn bibtex(text: &str) -> Parsed {
    let bib = biblatex::Bibliography::parse(text)
        .map_err(|e| (line_of(text, e.span.start), e.kind.to_string()))?;
    let mut lib = Library::default();
    for entry in bib.iter() {
        let field = |name: &str| {
            entry
                .get(name)
                .map(biblatex::ChunksExt::format_verbatim)
                .unwrap_or_default()
        };
        let arxiv = [
            field("eprint"),
            field("doi"),
            field("url"),
            field("arxivid"),
        ]
        .iter()
        .find_map(|v| arxiv_in(v));
        lib.push_item(&field("title"), &field("abstract"), arxiv);
    }
    Ok(lib)
}

#[derive(Deserialize)]
struct CslItem {
    #[serde(default)]
    title: Option<String>,
    #[serde(default, rename = "abstract")]
    abstract_text: Option<String>,
    #[serde(default, rename = "DOI")]
    doi: Option<String>,
    #[serde(default, rename = "URL")]
    url: Option<String>,
    #[serde(default)]
    number: Option<serde_json::Value>,
}

/// CSL-JSON (Zotero's and Zotero-Better-BibTeX's "CSL JSON" export): an array of items.
pub fn csl_json(text: &str) -> Parsed {
    let items: Vec<CslItem> = serde_json::from_str(text).map_err(|e| (e.line(), e.to_string()))?;
    let mut lib = Library::default();
    for item in items {
        let number = item.number.as_ref().map(|n| match n {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        });
        let arxiv = [item.doi, item.url, number]
            .iter()
            .flatten()
            .find_map(|v| arxiv_in(v));
        lib.push_item(
            item.title.as_deref().unwrap_or_default(),
            item.abstract_text.as_deref().unwrap_or_default(),
            arxiv,
        );
    }
    Ok(lib)
}

/// RIS: `TY  - ` starts a record, `ER  - ` ends it; `TI`/`T1` the title, `AB`/`N2` the
/// abstract, `DO`/`UR` a DOI or URL.
pub fn ris(text: &str) -> Parsed {
    let mut lib = Library::default();
    let mut record: Option<(String, String, Option<ArxivId>)> = None;
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim_start_matches('\u{feff}').trim_end();
        if line.is_empty() {
            continue;
        }
        // `TAG  - value`; an empty value's line ends at the dash once trimmed (`ER  -`).
        let (tag, value) = match (line.get(..2), line.get(2..5)) {
            (Some(tag), Some("  -")) => (tag, line[5..].trim()),
            _ => return Err((n + 1, format!("not a RIS line: `{}`", cut(line)))),
        };
        match (tag, record.as_mut()) {
            ("TY", None) => record = Some((String::new(), String::new(), None)),
            ("TY", Some(_)) => {
                return Err((
                    n + 1,
                    "a record starts before the last one ended (ER)".into(),
                ));
            }
            ("ER", Some(_)) => {
                if let Some((title, abs, arxiv)) = record.take() {
                    lib.push_item(&title, &abs, arxiv);
                }
            }
            (_, None) => return Err((n + 1, format!("`{tag}` outside a record (TY … ER)"))),
            ("TI" | "T1", Some(r)) if r.0.is_empty() => r.0 = value.to_owned(),
            ("AB" | "N2", Some(r)) => r.1 = value.to_owned(),
            ("DO" | "UR" | "L1" | "M1", Some(r)) if r.2.is_none() => r.2 = arxiv_in(value),
            _ => {}
        }
    }
    if record.is_some() {
        return Err((
            text.lines().count(),
            "the last record has no ER line".into(),
        ));
    }
    Ok(lib)
}

/// A file of arXiv ids (or their URLs), one a line; `#` starts a comment.
pub fn ids(text: &str) -> Parsed {
    let mut lib = Library::default();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let id = ArxivId::from_user(line).map_err(|e| (n + 1, e.to_string()))?;
        lib.push_item(&format!("arXiv:{id}"), "", Some(id));
    }
    Ok(lib)
}

/// The arXiv id a field names: `arXiv:2501.01234`, `2501.01234v2`, an arxiv.org link, a
/// `10.48550/arXiv.2501.01234` DOI.
pub fn arxiv_in(value: &str) -> Option<ArxivId> {
    let v = value.trim();
    if let Some(rest) = v
        .to_ascii_lowercase()
        .find("10.48550/arxiv.")
        .map(|i| &v[i + "10.48550/arxiv.".len()..])
    {
        return ArxivId::parse(rest.split_whitespace().next().unwrap_or_default()).ok();
    }
    let bare = match v.get(..6) {
        Some(p) if p.eq_ignore_ascii_case("arxiv:") => v[6..].trim(),
        _ => v,
    };
    ArxivId::from_user(bare).ok()
}

/// Braces, TeX line breaks and runs of whitespace out.
fn clean(text: &str) -> String {
    text.replace(['{', '}'], "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn cut(line: &str) -> String {
    line.chars().take(60).collect()
}

#[cfg(test)]
mod tests;
