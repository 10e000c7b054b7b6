#!/usr/bin/env python3
"""Start llama.cpp's OpenAI-compatible server (embedded in the xllamacpp wheel) on 127.0.0.1.

usage: llm_server.py MODEL.gguf PORT [N_CTX] [N_PARALLEL] [ALIAS] [embedding]

With `embedding` last, the server answers /v1/embeddings (mean pooling) instead of chat.

Used by .ci/run for the real-server end-to-end tests. Offline: it never downloads anything.
Stops on SIGTERM or SIGINT.
"""
import signal
import sys
import threading

import xllamacpp as xlc


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    model, port = sys.argv[1], int(sys.argv[2])
    params = xlc.CommonParams()
    params.model.path = model
    params.hostnames = ["127.0.0.1"]
    params.port = port
    params.n_ctx = int(sys.argv[3]) if len(sys.argv) > 3 else 4096
    params.n_parallel = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    if len(sys.argv) > 5:
        params.model_alias = {sys.argv[5]}
    params.offline = True
    if len(sys.argv) > 6 and sys.argv[6] == "embedding":
        params.embedding = True
        params.pooling_type = xlc.llama_pooling_type.LLAMA_POOLING_TYPE_MEAN
    # Every slot sees the whole context (otherwise each gets n_ctx / n_parallel).
    params.kv_unified = True
    params.cpuparams.n_threads = 2
    params.cpuparams_batch.n_threads = 2
    server = xlc.Server(params)  # returns once the model is loaded and the server listens
    print("listening", server.listening_address, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()


if __name__ == "__main__":
    main()
