#!/usr/bin/env bash
# Papers per minute against a real tiny-model server (llama.cpp + SmolLM2-135M): one slot and
# max_concurrency 1, against four slots and max_concurrency 4 — the value of concurrency on a
# batching server. Prints figures; asserts nothing. Run from the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/llm_env.sh
P1=$(llm_free_port); llm_start "$P1" 8192 1 "$LLM_DIR/bench-np1.log"
P4=$(llm_free_port); llm_start "$P4" 8192 4 "$LLM_DIR/bench-np4.log"
LLM_BENCH_NP1_URL="http://127.0.0.1:$P1/v1" LLM_BENCH_NP4_URL="http://127.0.0.1:$P4/v1" \
  cargo bench --bench real_server
