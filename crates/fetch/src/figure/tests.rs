use image::{Rgb, RgbImage};

use super::*;

fn png(width: u32, height: u32) -> Vec<u8> {
    paperbrief_testkit::png_bytes(width, height)
}

fn encoded(format: ImageFormat, width: u32, height: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(width, height, |x, _| Rgb([(x % 256) as u8, 10, 200]));
    paperbrief_testkit::encode(&DynamicImage::ImageRgb8(img), format)
}

use paperbrief_testkit::png_header;

#[test]
fn wide_figures_are_scaled_to_1200_and_trailing_bytes_dropped() {
    let mut raw = png(2400, 300);
    raw.extend_from_slice(b"<script>alert(1)</script>");
    let out = clean(&raw).unwrap();
    assert_eq!((out.width, out.height, out.extension), (1200, 150, "png"));
    assert_eq!(sniff(&out.bytes).unwrap(), ImageFormat::Png);
    assert!(!out.bytes.windows(7).any(|w| w == b"<script"));
    let small = clean(&png(300, 200)).unwrap();
    assert_eq!((small.width, small.height), (300, 200));
}

#[test]
fn jpeg_stays_jpeg_without_its_metadata_and_gif_webp_become_png() {
    let mut jpeg = encoded(ImageFormat::Jpeg, 64, 48);
    // An APP1 (Exif) segment right after SOI: the re-encoded file must not carry it.
    let exif = b"\xff\xe1\x00\x10Exif\x00\x00SECRETGPS";
    jpeg.splice(2..2, exif.iter().copied());
    let clean_jpeg = clean(&jpeg).unwrap();
    assert_eq!(clean_jpeg.extension, "jpg");
    assert!(!clean_jpeg.bytes.windows(9).any(|w| w == b"SECRETGPS"));
    for format in [ImageFormat::Gif, ImageFormat::WebP] {
        let c = clean(&encoded(format, 40, 30)).unwrap();
        assert_eq!(
            (c.extension, c.width, c.height),
            ("png", 40, 30),
            "{format:?}"
        );
    }
}

#[test]
fn huge_declared_dimensions_are_refused_before_decoding() {
    let e = clean(&png_header(60_000, 60_000)).unwrap_err();
    assert!(
        matches!(
            e,
            FigureProblem::TooManyPixels {
                width: 60_000,
                height: 60_000,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("60000 × 60000"), "{e}");
    // A header alone within limits is a truncated image: undecodable, not a crash.
    assert!(matches!(
        clean(&png_header(100, 100)),
        Err(FigureProblem::Undecodable(_))
    ));
}

#[test]
fn what_is_not_a_raster_image_is_named_and_refused() {
    let svg = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
    assert_eq!(
        clean(svg).unwrap_err(),
        FigureProblem::NotAnImage("an SVG image (vector images can carry script)")
    );
    assert_eq!(
        clean(b"<!DOCTYPE html><html><body>Not found</body></html>").unwrap_err(),
        FigureProblem::NotAnImage("an HTML page")
    );
    assert_eq!(
        clean(b"%PDF-1.7").unwrap_err(),
        FigureProblem::NotAnImage("a PDF")
    );
    assert_eq!(
        clean(b"").unwrap_err(),
        FigureProblem::NotAnImage("an empty body")
    );
    assert_eq!(
        clean(b"\x00\x01garbage").unwrap_err(),
        FigureProblem::NotAnImage("unrecognised bytes")
    );
}

#[test]
fn only_urls_under_the_html_root_are_fetched() {
    let root = Url::parse("https://arxiv.org/html/").unwrap();
    let ok = |u: &str| is_under(&Url::parse(u).unwrap(), &root);
    assert!(ok("https://arxiv.org/html/2602.07040v1/x1.png"));
    assert!(ok(
        "https://arxiv.org/html/1706.03762v7/Figures/ModalNet-21.png"
    ));
    assert!(!ok("https://arxiv.org/html/2602.07040v1/../../etc/x.png"));
    assert!(!ok("https://evil.example/html/x1.png"));
    assert!(!ok("http://arxiv.org/html/x1.png"));
    assert!(!ok("https://arxiv.org:8443/html/x1.png"));
    assert!(!ok("https://arxiv.org/static/logo.png"));
}
