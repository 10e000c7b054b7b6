//! A day's papers scored for one profile: lexical matches of its keywords and authors (in title,
//! abstract and brief; Chinese and English forms are simply both listed as keywords), blended —
//! when embeddings are configured — with the similarity to the nearest library items and
//! keywords, calibrated against the day's own spread (a small model's raw cosines all sit above
//! 0.9; an encoder's near 0.3–0.5: only where a paper stands among the day's means anything).
//! `exclude` removes a paper; the best `max_for_you` of the rest that match or reach `threshold`
//! are "for you". Every score keeps its reasons.

use paperbrief_core::config::Profile;
use paperbrief_report::{Nearest, Relevance};

use crate::library::LibraryItem;

/// A paper as a profile reads it.
#[derive(Debug, Clone, Copy)]
pub struct Paper<'a> {
    /// arXiv id.
    pub id: &'a str,
    /// Title.
    pub title: &'a str,
    /// Abstract.
    pub abstract_text: &'a str,
    /// The brief's 应用领域 and 一句话核心贡献, when it has one.
    pub brief: &'a str,
    /// Author names.
    pub authors: &'a [String],
}

impl Paper<'_> {
    /// The text embedded for it.
    pub fn text(&self) -> String {
        [self.title, self.abstract_text, self.brief]
            .iter()
            .filter(|t| !t.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// The vectors of a day's papers, a profile's library items and keywords (each aligned with
/// its list), from one model.
#[derive(Debug, Clone, Default)]
pub struct Vectors {
    /// One per paper.
    pub papers: Vec<Vec<f32>>,
    /// One per library item.
    pub library: Vec<Vec<f32>>,
    /// One per keyword.
    pub keywords: Vec<Vec<f32>>,
}

/// Weight of the calibrated similarity when embeddings are there; the rest is lexical.
const SEMANTIC_WEIGHT: f64 = 0.75;
/// Library items whose mean adds to the nearest one's similarity.
const NEAREST_ITEMS: usize = 3;

/// Each paper's relevance to `profile`, in the papers' order.
pub fn rank(
    profile: &Profile,
    library: &[LibraryItem],
    papers: &[Paper<'_>],
    vectors: Option<&Vectors>,
) -> Vec<Relevance> {
    let semantic = vectors.map(|v| calibrated(&raw_similarities(v)));
    let mut out: Vec<Relevance> = papers
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let matched = lexical(profile, p);
            let excluded = excluded(profile, p);
            let lex = match matched.len() {
                0 => 0.0,
                n => (0.6 + 0.2 * (n as f64 - 1.0)).min(1.0),
            };
            let score = match &semantic {
                Some(s) => SEMANTIC_WEIGHT * s[i] + (1.0 - SEMANTIC_WEIGHT) * lex,
                None => lex,
            };
            let nearest = vectors.and_then(|v| nearest(library, &v.library, v.papers.get(i)?));
            Relevance {
                score: if excluded { 0.0 } else { round(score) },
                for_you: !excluded && (!matched.is_empty() || score >= profile.threshold),
                excluded,
                matched,
                nearest,
            }
        })
        .collect();
    cap(&mut out, profile.max_for_you.get() as usize);
    out
}

/// Keeps the best `most` "for you" papers.
fn cap(out: &mut [Relevance], most: usize) {
    let mut chosen: Vec<usize> = (0..out.len()).filter(|&i| out[i].for_you).collect();
    chosen.sort_by(|&a, &b| out[b].score.total_cmp(&out[a].score));
    for &i in chosen.iter().skip(most) {
        out[i].for_you = false;
    }
}

/// The profile's keywords and authors a paper matches, as readers see them.
fn lexical(profile: &Profile, p: &Paper<'_>) -> Vec<String> {
    let haystack = format!("{}\n{}\n{}", p.title, p.abstract_text, p.brief).to_lowercase();
    let mut matched: Vec<String> = profile
        .keywords
        .iter()
        .filter(|k| contains_phrase(&haystack, k))
        .cloned()
        .collect();
    let names: Vec<String> = p.authors.iter().map(|a| normalize_name(a)).collect();
    for author in &profile.authors {
        if names.contains(&normalize_name(author)) {
            matched.push(format!("作者 {author}"));
        }
    }
    matched
}

fn excluded(profile: &Profile, p: &Paper<'_>) -> bool {
    let haystack = format!("{}\n{}\n{}", p.title, p.abstract_text, p.brief).to_lowercase();
    profile
        .exclude
        .iter()
        .any(|k| contains_phrase(&haystack, k))
}

/// Case-insensitive; a Latin phrase must stand as words (`RL` is not in `URL`), a Chinese one
/// anywhere.
fn contains_phrase(haystack: &str, phrase: &str) -> bool {
    let needle = phrase.trim().to_lowercase();
    if needle.is_empty() {
        return false;
    }
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    haystack.match_indices(&needle).any(|(i, _)| {
        let before = haystack[..i].chars().next_back();
        let after = haystack[i + needle.len()..].chars().next();
        let latin = needle.is_ascii();
        !latin || (!word(before) && !word(after))
    })
}

fn normalize_name(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Each paper's raw similarity: the better of its similarity to the library (mostly its
/// nearest item) and its best cosine to a keyword.
fn raw_similarities(v: &Vectors) -> Vec<f64> {
    v.papers
        .iter()
        .map(|p| {
            let mut lib: Vec<f64> = v.library.iter().map(|l| cosine(p, l)).collect();
            lib.sort_by(|a, b| b.total_cmp(a));
            // The nearest item decides; a few more near ones (a topic the reader collects) add a
            // little. A mean alone would blur a small library into one average.
            let top = &lib[..lib.len().min(NEAREST_ITEMS)];
            let lib_score = match top.first() {
                None => f64::MIN,
                Some(best) => 0.8 * best + 0.2 * top.iter().sum::<f64>() / top.len() as f64,
            };
            let kw = v
                .keywords
                .iter()
                .map(|k| cosine(p, k))
                .fold(f64::MIN, f64::max);
            lib_score.max(kw)
        })
        .collect()
}

/// Raw similarities mapped to 0–1 by where each stands among the day's (a logistic of its
/// z-score): the day's best near 1, its typical paper near 0.5.
fn calibrated(raw: &[f64]) -> Vec<f64> {
    let usable: Vec<f64> = raw.iter().copied().filter(|x| *x > f64::MIN).collect();
    if usable.is_empty() {
        return vec![0.0; raw.len()];
    }
    let n = usable.len() as f64;
    let mean = usable.iter().sum::<f64>() / n;
    let sd = (usable.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt();
    raw.iter()
        .map(|&x| {
            if x == f64::MIN {
                0.0
            } else if sd < 1e-9 {
                0.5
            } else {
                1.0 / (1.0 + (-1.7 * (x - mean) / sd).exp())
            }
        })
        .collect()
}

/// The library item most like the paper.
fn nearest(library: &[LibraryItem], vectors: &[Vec<f32>], paper: &[f32]) -> Option<Nearest> {
    let (i, _) = vectors
        .iter()
        .map(|v| cosine(paper, v))
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    let item = library.get(i)?;
    Some(Nearest {
        title: item.title.clone(),
        id: item.arxiv.as_ref().map(|a| a.base().to_owned()),
    })
}

/// Cosine similarity (0 for a zero vector or vectors of different lengths).
pub fn cosine(a: &[f32], b: &[f32]) -> f64 {
    if a.len() != b.len() || a.is_empty() {
        return 0.0;
    }
    let (mut dot, mut na, mut nb) = (0.0f64, 0.0f64, 0.0f64);
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (f64::from(*x), f64::from(*y));
        dot += x * y;
        na += x * x;
        nb += y * y;
    }
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na.sqrt() * nb.sqrt())
    }
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests;
