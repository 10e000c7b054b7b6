//! Extraction throughput (MB/s) over the recorded arXiv pages in `../shared/corpus` and the
//! project's own fixture. Run: `cargo bench -p paperbrief-fetch --bench extract`.

use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use paperbrief_fetch::extract::parse_document;

fn pages() -> Vec<(String, String)> {
    let mut out = vec![(
        "fixture/latexml_small".to_owned(),
        include_str!("../fixtures/latexml_small.html").to_owned(),
    )];
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    for sub in ["arxiv_html", "arxiv_abs"] {
        let Ok(entries) = std::fs::read_dir(corpus.join(sub)) else {
            eprintln!("skipped {sub}: no corpus at {}", corpus.display());
            continue;
        };
        let mut files: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        files.sort();
        for f in files {
            let text = String::from_utf8_lossy(&std::fs::read(&f).unwrap_or_default()).into_owned();
            let name = format!(
                "{sub}/{}",
                f.file_name().unwrap_or_default().to_string_lossy()
            );
            out.push((name, text));
        }
    }
    out
}

fn extraction(c: &mut Criterion) {
    let pages = pages();
    let mut group = c.benchmark_group("extract");
    for (name, text) in &pages {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name.as_str(), |b| {
            b.iter(|| parse_document(std::hint::black_box(text)))
        });
    }
    let total: u64 = pages.iter().map(|(_, t)| t.len() as u64).sum();
    group.throughput(Throughput::Bytes(total));
    group.bench_function("all pages", |b| {
        b.iter(|| {
            for (_, t) in &pages {
                std::hint::black_box(parse_document(t));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, extraction);
criterion_main!(benches);
