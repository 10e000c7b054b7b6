//! Extraction throughput as one number per page, for `benches/compare_extractors.py`, which
//! runs the Python extractors on the same pages in the same run. Arguments: page files.
//! Prints `paperbrief <file> <bytes> <seconds per pass>` lines.

#![allow(clippy::unwrap_used, missing_docs)] // a benchmark: a panic is the report

use std::time::Instant;

use paperbrief_fetch::extract::parse_document;

fn main() {
    let files: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    for file in files {
        let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
        // Warm up, then time enough passes for a stable figure.
        for _ in 0..3 {
            std::hint::black_box(parse_document(&text));
        }
        let passes = (20_000_000 / text.len().max(1)).clamp(5, 500);
        let started = Instant::now();
        for _ in 0..passes {
            std::hint::black_box(parse_document(std::hint::black_box(&text)));
        }
        let per_pass = started.elapsed().as_secs_f64() / passes as f64;
        println!("paperbrief {file} {} {per_pass:.6}", text.len());
    }
}
