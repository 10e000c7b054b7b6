//! The key figure of a LaTeXML page: the first `figure.ltx_figure` whose caption reads as an
//! overview (overview, framework, pipeline, architecture, illustration, teaser, "our method"),
//! else the first figure with a raster image. Tables, algorithm floats and vector images
//! (`<object>` SVGs, `.svg` sources: they can carry script) are never chosen.
//!
//! What is kept is what the page says: the image's `src` as written (resolved later against the
//! page's final URL, as a browser would), the caption as text with math as TeX, and the figure's
//! id. Nothing is fetched here.

use std::sync::LazyLock;

use scraper::{ElementRef, Html, Selector};

use super::text::{Inline, child_elements, has_class, name};

static FIGURES: LazyLock<Selector> = LazyLock::new(|| sel("figure.ltx_figure"));
static IMAGES: LazyLock<Selector> = LazyLock::new(|| sel("img[src]"));
static BASE: LazyLock<Selector> = LazyLock::new(|| sel("head base[href], base[href]"));

#[allow(clippy::expect_used)]
fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("static selector")
}

/// Words that mark a caption as the paper's overview figure (matched lowercase).
const OVERVIEW_WORDS: &[&str] = &[
    "overview",
    "framework",
    "pipeline",
    "architecture",
    "illustration",
    "teaser",
    "our method",
    "our approach",
    "workflow",
    "schematic",
];

/// Captions longer than this many characters are cut (with `…`): a caption is a label, and a
/// hostile page must not put a novel under a picture.
const MAX_CAPTION_CHARS: usize = 600;

/// A figure as the page writes it, before its image URL is resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureCandidate {
    /// The image's `src`, as written.
    pub src: String,
    /// The caption, tag included.
    pub caption: String,
    /// The figure's element id (`S3.F1`); empty when it has none.
    pub anchor: String,
}

/// The page's key figure, if it has a figure with a raster image.
pub(crate) fn key_figure(article: ElementRef<'_>) -> Option<FigureCandidate> {
    let candidates: Vec<FigureCandidate> = article
        .select(&FIGURES)
        .filter(|f| is_outermost(*f) && !has_class(*f, "ltx_table") && !has_class(*f, "ltx_float"))
        .filter_map(candidate)
        .collect();
    let overview = candidates.iter().position(|c| is_overview(&c.caption));
    let pick = overview.unwrap_or(0);
    candidates.into_iter().nth(pick)
}

/// The `href` of the page's `<base>`, which a browser resolves relative URLs against.
pub(crate) fn base_href(doc: &Html) -> Option<String> {
    doc.select(&BASE)
        .next()
        .and_then(|b| b.value().attr("href"))
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
}

fn candidate(fig: ElementRef<'_>) -> Option<FigureCandidate> {
    let src = fig
        .select(&IMAGES)
        .filter_map(|img| img.value().attr("src"))
        .map(str::trim)
        .find(|src| is_raster_src(src))?;
    let caption = child_elements(fig)
        .find(|e| name(*e) == "figcaption")
        .map(Inline::plain)
        .unwrap_or_default();
    Some(FigureCandidate {
        src: src.to_owned(),
        caption: cap(&caption),
        anchor: fig.value().id().unwrap_or_default().to_owned(),
    })
}

/// Not nested in another figure (sub-figures belong to their parent).
fn is_outermost(fig: ElementRef<'_>) -> bool {
    !fig.ancestors()
        .filter_map(ElementRef::wrap)
        .any(|a| name(a) == "figure")
}

/// A source that may be a raster image: not empty, not inline data, not an SVG by its name.
/// (What the bytes really are is checked when they are downloaded.)
fn is_raster_src(src: &str) -> bool {
    let lower = src.to_ascii_lowercase();
    let path = lower.split(['?', '#']).next().unwrap_or_default();
    !path.is_empty()
        && !lower.starts_with("data:")
        && !path.ends_with(".svg")
        && !path.ends_with(".svgz")
}

fn is_overview(caption: &str) -> bool {
    let lower = caption.to_lowercase();
    OVERVIEW_WORDS.iter().any(|w| lower.contains(w))
}

fn cap(caption: &str) -> String {
    if caption.chars().count() <= MAX_CAPTION_CHARS {
        return caption.to_owned();
    }
    let mut cut: String = caption.chars().take(MAX_CAPTION_CHARS).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(body: &str) -> Option<FigureCandidate> {
        let html =
            format!(r#"<html><body><article class="ltx_document">{body}</article></body></html>"#);
        let doc = Html::parse_document(&html);
        let article = doc.select(&sel("article")).next().unwrap();
        key_figure(article)
    }

    const PLOT: &str = r#"<figure id="S4.F3" class="ltx_figure"><img src="x3.png" class="ltx_graphics"><figcaption class="ltx_caption"><span class="ltx_tag">Figure 3: </span>Accuracy against steps.</figcaption></figure>"#;

    #[test]
    fn an_overview_caption_wins_over_an_earlier_figure() {
        let body = format!(
            r#"{PLOT}<figure id="S3.F1" class="ltx_figure"><img src="2602.07040v1/figures/teaser.png"><figcaption><span class="ltx_tag">Figure 1: </span>Overview of <math alttext="\mathcal{{A}}"><mi>A</mi></math>ster's pipeline.</figcaption></figure>"#
        );
        let f = pick(&body).unwrap();
        assert_eq!(f.src, "2602.07040v1/figures/teaser.png");
        assert_eq!(f.anchor, "S3.F1");
        assert_eq!(
            f.caption,
            "Figure 1: Overview of $\\mathcal{A}$ster's pipeline."
        );
    }

    #[test]
    fn else_the_first_raster_figure_and_never_tables_svgs_or_algorithms() {
        let body = format!(
            r#"<figure id="S1.T1" class="ltx_table"><img src="t.png"><figcaption>Table 1: Framework results</figcaption></figure>
            <figure id="S1.A1" class="ltx_float ltx_figure"><img src="a.png"><figcaption>Algorithm 1: our method</figcaption></figure>
            <figure id="S2.F1" class="ltx_figure"><object type="image/svg+xml" data="f.svg"></object><img src="f.SVG?x=1"><figcaption>Figure 1: Framework.</figcaption></figure>
            <figure id="S2.F2" class="ltx_figure"><img src="data:image/png;base64,AAAA"><figcaption>Figure 2: Pipeline</figcaption></figure>
            {PLOT}"#
        );
        let f = pick(&body).unwrap();
        assert_eq!((f.src.as_str(), f.anchor.as_str()), ("x3.png", "S4.F3"));
    }

    #[test]
    fn sub_figures_belong_to_their_parent() {
        let body = r#"<figure id="S2.F1" class="ltx_figure"><div class="ltx_flex_figure"><figure id="S2.F1.sf1" class="ltx_figure ltx_figure_panel"><img src="x1.png"><figcaption>(a) overview</figcaption></figure></div><figcaption>Figure 1: Two panels.</figcaption></figure>"#;
        let f = pick(body).unwrap();
        assert_eq!(f.anchor, "S2.F1");
        assert_eq!(f.caption, "Figure 1: Two panels.");
    }

    #[test]
    fn markup_in_a_caption_is_text_and_long_captions_are_cut() {
        let long = "word ".repeat(300);
        let body = format!(
            r#"<figure id="F1" class="ltx_figure"><img src="x1.png"><figcaption>Figure 1: <script>alert(1)</script><b onclick="x()">bold</b> {long}</figcaption></figure>"#
        );
        let f = pick(&body).unwrap();
        assert!(!f.caption.contains('<'), "{}", f.caption);
        assert!(f.caption.starts_with("Figure 1: "), "{}", f.caption);
        assert!(f.caption.contains("bold word"), "{}", f.caption);
        assert_eq!(f.caption.chars().count(), MAX_CAPTION_CHARS + 1);
        assert!(pick("<p>No figures.</p>").is_none());
    }
}
