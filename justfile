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
    cargo clippy --all-targets -- -D warnings

# The whole test suite.
test:
    cargo test --workspace

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
    benches/real_server.sh
