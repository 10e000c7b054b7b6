# paperbrief tasks. `just` is optional: every recipe is a plain cargo command (see README).

# List the recipes.
default:
    @just --list

# Format, lint and test: exactly what CI runs.
check: fmt-check lint test

# Format the code.
fmt:
    cargo fmt --all

# Check formatting without changing files.
fmt-check:
    cargo fmt --all -- --check

# Clippy with warnings as errors.
lint:
    cargo clippy --workspace --all-targets -- -D warnings

# The whole test suite (tests that need a real server, Chromium, SMTP or ../shared are ignored).
test:
    cargo test --workspace

# Every test, the ignored ones included (what .ci/run does once it has installed their needs).
test-all:
    python3 .ci/module_cycles.py
    cargo test --workspace -- --include-ignored

# Run paperbrief with arguments, e.g. `just run list --date 2026-02-10`.
run *ARGS:
    cargo run --release -- {{ARGS}}

# Benchmarks (figures, not assertions; see docs/benchmarks.md): extraction (also against the
# Python tools), prompt/answer handling, the day against the bound, a real tiny-model server.
bench:
    cargo bench -p paperbrief-fetch --bench extract
    python3 benches/compare_extractors.py
    cargo bench -p paperbrief-prompt --bench prompt
    cargo bench --bench day
    cargo bench --bench endpoints
    cargo bench --bench interests
    cargo bench --bench archive
    cargo bench -p paperbrief-site --bench site
    cargo bench -p paperbrief-notify --bench payloads
    benches/real_server.sh

# The README's site screenshots (docs/site-*.png): a demo site from the example briefs, shot by
# headless Chromium at phone and desktop widths, and a search across the archive's days.
screenshots:
    rm -rf target/demo-site
    PAPERBRIEF_DEMO_SITE=$PWD/target/demo-site cargo test -p paperbrief-site --test build demo_site_for_screenshots
    chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --disable-background-networking --no-first-run --user-data-dir=target/demo-site/profile --window-size=390,1800 --screenshot=docs/site-phone.png file://$PWD/target/demo-site/site/2026-02-10.html
    chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --disable-background-networking --no-first-run --user-data-dir=target/demo-site/profile --window-size=1280,1400 --screenshot=docs/site-desktop.png file://$PWD/target/demo-site/site/2026-02-10.html
    PAPERBRIEF_SCREENSHOTS=$PWD/docs cargo test --test archive_browser -- --include-ignored
