//! Key figures a stand-in page can show: real PNGs of a given size, and the hostile kinds a
//! page can carry (a PNG that is an SVG or an HTML page, a header declaring 60,000 × 60,000
//! pixels, a body of 50 MB, a redirect to another host, a `src` climbing out of `/html/`).
//!
//! A [`FakeFigure`] is what the page writes (`src`, caption markup) and what the server answers
//! where that `src` leads, so a test can both read the outcome and count the requests made.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, Rgba, RgbaImage};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A figure on a stand-in page.
#[derive(Debug, Clone)]
pub struct FakeFigure {
    /// The image's `src` as the page writes it (arXiv's are relative: `2602.00001v1/x1.png`).
    pub src: String,
    /// The caption's markup, after the `Figure 1:` tag.
    pub caption: String,
    /// The server path where `src` leads, and what is answered there.
    pub served: Option<(String, ResponseTemplate)>,
}

impl FakeFigure {
    /// A `width` × `height` PNG at `{id}v1/x1.png`, captioned as the method's overview (each
    /// id's pixels differ, so each paper's figure is its own file).
    pub fn png(id: &str, width: u32, height: u32) -> Self {
        let seed = id
            .bytes()
            .fold(0u32, |a, b| a.wrapping_mul(31).wrapping_add(u32::from(b)));
        Self::serving(id, "x1.png", gradient(width, height, seed), "image/png")
    }

    /// `body` with `content_type` at `{id}v1/{name}`, captioned as the method's overview.
    pub fn serving(id: &str, name: &str, body: Vec<u8>, content_type: &str) -> Self {
        let template = ResponseTemplate::new(200).set_body_raw(body, content_type);
        Self {
            src: format!("{id}v1/{name}"),
            caption: "Overview of our method.".into(),
            served: Some((format!("/html/{id}v1/{name}"), template)),
        }
    }

    /// A page writing `src`, which the server answers at `server_path` with `template`.
    pub fn at(src: &str, server_path: &str, template: ResponseTemplate) -> Self {
        Self {
            src: src.into(),
            caption: "Overview of our method.".into(),
            served: Some((server_path.into(), template)),
        }
    }

    /// The `<figure>` as LaTeXML writes it, with id `S2.F1`.
    pub(crate) fn markup(&self) -> String {
        format!(
            r#"<figure class="ltx_figure" id="S2.F1"><img src="{src}" class="ltx_graphics ltx_centering" width="600" height="300" alt="Refer to caption"><figcaption class="ltx_caption ltx_centering"><span class="ltx_tag ltx_tag_figure">Figure 1: </span>{caption}</figcaption></figure>"#,
            src = self.src,
            caption = self.caption
        )
    }

    /// Serves the image on `server`.
    pub(crate) async fn mount(&self, server: &MockServer) {
        if let Some((at, template)) = &self.served {
            Mock::given(method("GET"))
                .and(path(at.as_str()))
                .respond_with(template.clone())
                .mount(server)
                .await;
        }
    }
}

/// A real `width` × `height` PNG (a gradient).
pub fn png_bytes(width: u32, height: u32) -> Vec<u8> {
    gradient(width, height, 90 << 16)
}

/// A gradient whose offsets and blue come from `seed`'s three low bytes.
fn gradient(width: u32, height: u32, seed: u32) -> Vec<u8> {
    let [_, blue, dy, dx] = seed.to_be_bytes();
    let img = RgbaImage::from_fn(width, height, |x, y| {
        let r = (x + u32::from(dx)) % 256;
        let g = (y + u32::from(dy)) % 256;
        Rgba([r as u8, g as u8, blue, 255])
    });
    encode(&DynamicImage::ImageRgba8(img), ImageFormat::Png)
}

/// `image` encoded as `format`.
pub fn encode(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    #[allow(clippy::expect_used)]
    image
        .write_to(&mut out, format)
        .expect("an in-memory image encodes");
    out.into_inner()
}

/// A PNG declaring `width` × `height` with almost no pixel data (its CRCs correct, so only
/// the declared size can get it refused).
pub fn png_header(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend_from_slice(&13u32.to_be_bytes());
    out.extend_from_slice(&ihdr);
    out.extend_from_slice(&crc32(&ihdr).to_be_bytes());
    // An IDAT with a few bytes of "pixels", so the header is read as a whole image's would be.
    let mut idat = b"IDAT".to_vec();
    idat.extend_from_slice(&[0x78, 0x9c, 0x03, 0x00]);
    out.extend_from_slice(&4u32.to_be_bytes());
    out.extend_from_slice(&idat);
    out.extend_from_slice(&crc32(&idat).to_be_bytes());
    out
}

/// PNG's CRC-32 (ISO 3309), bit by bit: a few header bytes need no table.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
