#!/usr/bin/env bash
# Runs tests/real_server.rs against real llama.cpp servers with SmolLM2-135M, as .ci/run does:
# installs them under target/llm-e2e (pinned, checksum-verified), starts an 8k-context server
# with 4 slots and a 2k one, runs the tests, and stops the servers when it exits.
# The tests are #[ignore]d (a machine without servers reports them so): this runs them with
# --include-ignored. Extra arguments go to the test binary (e.g. a test name, or --nocapture).
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/llm_env.sh
PORT=$(llm_free_port)
llm_start "$PORT" 8192 4 "$LLM_DIR/server.log"
SMALL_PORT=$(llm_free_port)
llm_start "$SMALL_PORT" 2048 1 "$LLM_DIR/server-small.log"
EMBED_PORT=$(llm_free_port)
llm_start "$EMBED_PORT" 2048 1 "$LLM_DIR/server-embed.log" embedding
export LLM_E2E_BASE_URL="http://127.0.0.1:$PORT/v1"
export LLM_E2E_SMALL_BASE_URL="http://127.0.0.1:$SMALL_PORT/v1"
export LLM_E2E_EMBED_BASE_URL="http://127.0.0.1:$EMBED_PORT/v1"
export LLM_E2E_MODEL=smollm2
export LLM_E2E_LAUNCHER="$LLM_LAUNCHER"
cargo test --test real_server -- --include-ignored "$@"
