//! The one error type of `paperbrief-fetch`, with its retry classification.

use std::path::PathBuf;
use std::time::Duration;

/// How a transport-level failure happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportKind {
    /// No connection could be made (refused, DNS, TLS).
    Connect,
    /// The connect or whole-request timeout fired.
    Timeout,
    /// The connection broke while the body was read (a truncated body).
    Body,
    /// Anything else reqwest reports (redirect loops, bad URLs…).
    Other,
}

/// Everything that can go wrong fetching and reading a source. Every variant names the URL,
/// id or path it failed on.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The server answered with a non-success status.
    #[error("{url} answered HTTP {status}{}", retry_after_note(*.retry_after))]
    Status {
        /// The requested URL.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The server's `Retry-After`, when it sent one.
        retry_after: Option<Duration>,
    },
    /// The request never completed.
    #[error("{url}: {}", transport_text(*.kind))]
    Transport {
        /// The requested URL.
        url: String,
        /// What kind of failure.
        kind: TransportKind,
        /// reqwest's error.
        #[source]
        source: reqwest::Error,
    },
    /// The body is larger than the configured limit (`sources.max_page_bytes`, or
    /// `sources.max_figure_bytes` for a figure).
    #[error("{url}: body larger than {limit} bytes ({setting}); refused")]
    TooLarge {
        /// The requested URL.
        url: String,
        /// The configured limit.
        limit: u64,
        /// The setting that sets it.
        setting: &'static str,
    },
    /// A key figure that is not fetched or not kept; the paper's brief is unaffected.
    #[error("figure {url}: {problem}")]
    Figure {
        /// The image URL.
        url: String,
        /// What is wrong with it.
        problem: FigureProblem,
    },
    /// The HF daily list is not the JSON array the API documents.
    #[error("{url}: not a daily-papers list: {reason}")]
    MalformedList {
        /// The requested URL.
        url: String,
        /// What the parser said.
        #[source]
        reason: FormatError,
    },
    /// An arXiv page or feed that does not hold what it should.
    #[error("{what}: {reason}")]
    Unreadable {
        /// The URL or file.
        what: String,
        /// What is missing or wrong.
        reason: String,
    },
    /// A base URL from the configuration that cannot be joined with a path.
    #[error("bad base URL `{url}`: {reason}")]
    BadUrl {
        /// The configured base URL.
        url: String,
        /// Why it cannot be used.
        reason: String,
    },
    /// The on-disk cache could not be written.
    #[error("cache {}: {source}", path.display())]
    Cache {
        /// The file.
        path: PathBuf,
        /// The IO error.
        #[source]
        source: std::io::Error,
    },
    /// Every source for a paper failed; holds each attempt's reason.
    #[error("no text for {id}: {}", reasons.join("; "))]
    NoSource {
        /// The paper.
        id: String,
        /// Why each source failed, in the order they were tried.
        reasons: Vec<String>,
    },
    /// The HTTP client could not be built.
    #[error(transparent)]
    Http(#[from] paperbrief_http::HttpError),
}

fn retry_after_note(ra: Option<Duration>) -> String {
    ra.map(|d| format!(" (Retry-After {}s)", d.as_secs()))
        .unwrap_or_default()
}

fn transport_text(kind: TransportKind) -> &'static str {
    match kind {
        TransportKind::Connect => "cannot connect; is the address right and the server up?",
        TransportKind::Timeout => "timed out",
        TransportKind::Body => "connection broke while reading the body",
        TransportKind::Other => "request failed",
    }
}

impl FetchError {
    /// Whether trying again later may succeed: 408, 425, 429 and 5xx answers, timeouts,
    /// refused connections and truncated bodies.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Status { status, .. } => matches!(status, 408 | 425 | 429 | 500..=599),
            Self::Transport { kind, .. } => kind != &TransportKind::Other,
            _ => false,
        }
    }

    /// The server's requested wait before the next attempt, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Whether the resource does not exist (404 or 410).
    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            Self::Status {
                status: 404 | 410,
                ..
            }
        )
    }
}

impl paperbrief_http::Transient for FetchError {
    fn is_transient(&self) -> bool {
        FetchError::is_transient(self)
    }
    fn retry_after(&self) -> Option<Duration> {
        FetchError::retry_after(self)
    }
}

/// Why a key figure is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FigureProblem {
    /// The image is not under the arXiv HTML pages of the host the page came from.
    #[error("not under {root} (only images from the paper's own arXiv pages are fetched)")]
    Elsewhere {
        /// Where figures may come from.
        root: String,
    },
    /// The server redirected the image to another host.
    #[error("redirected to another host (HTTP {status}); not followed")]
    Redirected {
        /// The 3xx status.
        status: u16,
    },
    /// The bytes are not a PNG, JPEG, GIF or WebP image.
    #[error("{0}, not a PNG, JPEG, GIF or WebP image; refused")]
    NotAnImage(&'static str),
    /// The image declares more pixels than any figure needs.
    #[error(
        "declares {width} × {height} pixels (more than {max_side} a side or {max_pixels} in all); refused before decoding"
    )]
    TooManyPixels {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
        /// The largest side allowed.
        max_side: u32,
        /// The most pixels allowed.
        max_pixels: u64,
    },
    /// The image could not be decoded or re-encoded.
    #[error("cannot be decoded: {0}")]
    Undecodable(String),
}

/// Why a body is not in the format it should be: the HF list's JSON or the export API's Atom.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// Not JSON at all.
    #[error("invalid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The API answered an error object instead of the list.
    #[error("the API answered an error: {0}")]
    ApiError(String),
    /// JSON, but not an array.
    #[error("expected a JSON array, got {0}")]
    NotAnArray(&'static str),
    /// Not XML at all.
    #[error("invalid XML: {0}")]
    Xml(#[from] roxmltree::Error),
    /// XML, but not an Atom feed.
    #[error("expected an Atom <feed>, found <{0}>")]
    NotAFeed(String),
}
