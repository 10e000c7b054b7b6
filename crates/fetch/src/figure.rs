//! Key figures, fetched and made safe to publish.
//!
//! Role: turn a page's [`KeyFigure`] into image bytes paperbrief may put on a site and in an
//! e-mail. Inputs: the figure's URL and the arXiv client's HTTP stack (pacing, retries, cache).
//! Output: a [`FigureImage`] — or a [`FigureProblem`] that the caller records as a note, never a
//! failed paper. The rules, each a refusal when broken:
//! - only images under `{arxiv_base}/html/` on the host the page came from, and redirects only
//!   within that host;
//! - at most `sources.max_figure_bytes`, counted while downloading;
//! - PNG, JPEG, GIF or WebP by their magic bytes (an SVG can carry script, an HTML page is not
//!   a picture, whatever the name says);
//! - the declared dimensions are read from the header and checked before any pixel is decoded;
//! - the pixels are decoded under limits and re-encoded at most [`MAX_WIDTH`] wide, which also
//!   drops metadata and anything appended to the file.

use std::io::Cursor;
use std::sync::LazyLock;

use image::{DynamicImage, ImageFormat, ImageReader, Limits, imageops::FilterType};
use paperbrief_core::KeyFigure;
use paperbrief_core::hash::hex_sha256;
use url::Url;

use crate::cache::Cache;
use crate::error::{FetchError, FigureProblem};
use crate::http::HttpClient;

/// Figures wider than this are scaled down to it.
pub const MAX_WIDTH: u32 = 1200;
/// The longest side a figure may declare.
const MAX_SIDE: u32 = 16_384;
/// The most pixels a figure may declare (a 7000 × 7000 scan is fine; 60,000 × 60,000 is not).
const MAX_PIXELS: u64 = 50_000_000;
/// What the decoder may allocate.
const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;

/// A figure ready to publish: re-encoded, metadata-free, at most [`MAX_WIDTH`] wide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureImage {
    /// The encoded image.
    pub bytes: Vec<u8>,
    /// `png` or `jpg`.
    pub extension: &'static str,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// Where figures may come from and how large they may be.
#[derive(Debug, Clone)]
pub(crate) struct FigureRules {
    /// `{arxiv_base}/html/`: every figure URL must lie under it.
    pub(crate) root: Url,
    /// `sources.max_figure_bytes`.
    pub(crate) max_bytes: u64,
}

/// Downloads (or reads from the cache) and cleans `figure`.
pub(crate) async fn download(
    http: &HttpClient,
    cache: Option<&Cache>,
    rules: &FigureRules,
    figure: &KeyFigure,
) -> Result<FigureImage, FetchError> {
    let refused = |problem: FigureProblem| FetchError::Figure {
        url: figure.url.clone(),
        problem,
    };
    let url = Url::parse(&figure.url)
        .ok()
        .filter(|u| is_under(u, &rules.root))
        .ok_or_else(|| {
            refused(FigureProblem::Elsewhere {
                root: rules.root.to_string(),
            })
        })?;
    let key = format!("{}.img", &hex_sha256(url.as_str().as_bytes())[..32]);
    let cached = cache
        .and_then(|c| c.get("figures", &key))
        .filter(|e| e.meta.status == 200 && e.body.len() as u64 <= rules.max_bytes);
    let raw = match cached {
        Some(entry) => entry.body,
        None => {
            let page = http
                .get_image(&url, rules.max_bytes, "sources.max_figure_bytes")
                .await
                .map_err(|e| match e {
                    FetchError::Status { status, .. } if (300..400).contains(&status) => {
                        refused(FigureProblem::Redirected { status })
                    }
                    other => other,
                })?;
            if let Some(Err(e)) =
                cache.map(|c| c.put("figures", &key, &page.final_url, 200, &page.body))
            {
                tracing::warn!(target: "paperbrief::cache", "{e}");
            }
            page.body.to_vec()
        }
    };
    decode(raw).await.map_err(refused)
}

/// A figure's bytes to clean, and where to send the outcome.
type Job = (
    Vec<u8>,
    tokio::sync::oneshot::Sender<Result<FigureImage, FigureProblem>>,
);

/// The one thread that decodes figures, one after another, however many papers are read at
/// once: decoding holds the whole image (up to [`MAX_PIXELS`] × 4 bytes) and the resize
/// buffers, and on the runtime's many blocking threads each would keep its own malloc arena
/// (measured: a 33-figure day peaked at 300–370 MiB that way, against 70 MiB without figures).
/// One figure of 1600 × 900 takes tens of milliseconds; arXiv is asked for one per second.
static DECODER: LazyLock<Option<std::sync::mpsc::Sender<Job>>> = LazyLock::new(|| {
    let (tx, rx) = std::sync::mpsc::channel::<Job>();
    let worker = move || {
        for (raw, reply) in rx {
            let outcome = std::panic::catch_unwind(|| clean(&raw)).unwrap_or_else(|_| {
                Err(FigureProblem::Undecodable(
                    "the decoder panicked on it".into(),
                ))
            });
            let _ = reply.send(outcome);
        }
    };
    std::thread::Builder::new()
        .name("paperbrief-figures".into())
        .spawn(worker)
        .ok()
        .map(|_| tx)
});

/// [`clean`] on the decoder thread (or, if it could not be started, on a blocking thread).
async fn decode(raw: Vec<u8>) -> Result<FigureImage, FigureProblem> {
    let stopped = || FigureProblem::Undecodable("the decoder stopped".into());
    let Some(decoder) = DECODER.as_ref() else {
        return tokio::task::spawn_blocking(move || clean(&raw))
            .await
            .map_err(|_| stopped())?;
    };
    let (tx, rx) = tokio::sync::oneshot::channel();
    decoder.send((raw, tx)).map_err(|_| stopped())?;
    rx.await.map_err(|_| stopped())?
}

/// Same scheme, host and port as `root`, and a path under its path.
fn is_under(url: &Url, root: &Url) -> bool {
    url.scheme() == root.scheme()
        && url.host_str() == root.host_str()
        && url.port_or_known_default() == root.port_or_known_default()
        && url.path().starts_with(root.path())
}

/// Checks and re-encodes an image: PNG, JPEG, GIF or WebP by magic bytes; dimensions checked
/// before decoding; at most [`MAX_WIDTH`] wide; JPEG stays JPEG, everything else becomes PNG.
pub fn clean(raw: &[u8]) -> Result<FigureImage, FigureProblem> {
    let format = sniff(raw)?;
    let reader = || ImageReader::with_format(Cursor::new(raw), format);
    let (width, height) = reader().into_dimensions().map_err(|e| undecodable(&e))?;
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(FigureProblem::TooManyPixels {
            width,
            height,
            max_side: MAX_SIDE,
            max_pixels: MAX_PIXELS,
        });
    }
    let mut decoder = reader();
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    decoder.limits(limits);
    let image = decoder.decode().map_err(|e| undecodable(&e))?;
    let image = if image.width() > MAX_WIDTH {
        image.resize(MAX_WIDTH, u32::MAX, FilterType::Lanczos3)
    } else {
        image
    };
    encode(&image, format == ImageFormat::Jpeg)
}

fn encode(image: &DynamicImage, jpeg: bool) -> Result<FigureImage, FigureProblem> {
    let mut out = Cursor::new(Vec::new());
    let extension = if jpeg {
        let rgb = DynamicImage::ImageRgb8(image.to_rgb8());
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
        rgb.write_with_encoder(encoder)
            .map_err(|e| undecodable(&e))?;
        "jpg"
    } else {
        image
            .write_to(&mut out, ImageFormat::Png)
            .map_err(|e| undecodable(&e))?;
        "png"
    };
    Ok(FigureImage {
        bytes: out.into_inner(),
        extension,
        width: image.width(),
        height: image.height(),
    })
}

fn undecodable(e: &image::ImageError) -> FigureProblem {
    FigureProblem::Undecodable(e.to_string())
}

/// The format the magic bytes say, whatever the URL or `Content-Type` claim.
pub fn sniff(raw: &[u8]) -> Result<ImageFormat, FigureProblem> {
    if raw.starts_with(b"\x89PNG\r\n\x1a\n") {
        Ok(ImageFormat::Png)
    } else if raw.starts_with(b"\xff\xd8\xff") {
        Ok(ImageFormat::Jpeg)
    } else if raw.starts_with(b"GIF87a") || raw.starts_with(b"GIF89a") {
        Ok(ImageFormat::Gif)
    } else if raw.len() >= 12 && raw.starts_with(b"RIFF") && &raw[8..12] == b"WEBP" {
        Ok(ImageFormat::WebP)
    } else {
        Err(FigureProblem::NotAnImage(describe(raw)))
    }
}

/// What a body that is not a raster image looks like, for the note.
fn describe(raw: &[u8]) -> &'static str {
    let head = String::from_utf8_lossy(&raw[..raw.len().min(1024)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if raw.is_empty() {
        "an empty body"
    } else if head.contains("<svg") {
        "an SVG image (vector images can carry script)"
    } else if head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || head.contains("<body")
    {
        "an HTML page"
    } else if head.starts_with("%pdf") {
        "a PDF"
    } else {
        "unrecognised bytes"
    }
}

#[cfg(test)]
mod tests;
