#!/usr/bin/env python3
"""Extraction throughput side by side: paperbrief's extractor against what the Python tools use
(trafilatura, and BeautifulSoup + markdownify), on the same arXiv pages, in the same run.

Run from the repository root: `python3 benches/compare_extractors.py` (or `just bench`). It
installs the Python tools into a throwaway venv under target/, builds and runs paperbrief's
extract_mbps bench binary, and prints MB/s per tool and the ratio to paperbrief. It measures;
it asserts nothing.
"""
import glob
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, "target", "bench-venv")
PAGES = sorted(glob.glob(os.path.join(ROOT, "..", "shared", "corpus", "arxiv_html", "*.html")))
PAGES += sorted(glob.glob(os.path.join(ROOT, "..", "shared", "corpus", "arxiv_abs", "*.html")))
PAGES = PAGES or [os.path.join(ROOT, "crates", "fetch", "fixtures", "latexml_small.html")]
TOOLS = ["trafilatura==2.0.0", "lxml_html_clean==0.4.2", "beautifulsoup4==4.13.4", "markdownify==1.1.0", "lxml==5.4.0"]


def venv_python() -> str:
    py = os.path.join(VENV, "bin", "python")
    if not os.path.exists(py):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    subprocess.run([py, "-m", "pip", "install", "-q", "--disable-pip-version-check", *TOOLS], check=True)
    return py


PYTHON_TIMER = r'''
import sys, time
import trafilatura
from bs4 import BeautifulSoup
from markdownify import markdownify

def bs4_markdownify(html):
    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "nav", "header", "footer"]):
        tag.decompose()
    body = soup.find("article") or soup.body or soup
    return markdownify(str(body))

TOOLS = {"trafilatura": lambda h: trafilatura.extract(h, include_tables=True, include_formatting=False),
         "bs4+markdownify": bs4_markdownify}
for path in sys.argv[1:]:
    html = open(path, encoding="utf-8", errors="replace").read()
    for name, fn in TOOLS.items():
        for _ in range(2):
            fn(html)
        passes = max(3, min(100, 5_000_000 // max(len(html), 1)))
        start = time.perf_counter()
        for _ in range(passes):
            fn(html)
        print(name, path, len(html.encode()), (time.perf_counter() - start) / passes, flush=True)
'''


def main() -> None:
    py = venv_python()
    rust = subprocess.run(
        ["cargo", "bench", "-q", "-p", "paperbrief-fetch", "--bench", "extract_mbps", "--", *PAGES],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    python = subprocess.run([py, "-c", PYTHON_TIMER, *PAGES], check=True, capture_output=True, text=True).stdout
    rows = {}
    for line in (rust + python).splitlines():
        parts = line.split()
        if len(parts) != 4:
            continue
        tool, path, size, secs = parts[0], parts[1], int(parts[2]), float(parts[3])
        rows.setdefault(tool, {})[os.path.basename(path)] = (size, secs)
    tools = ["paperbrief", "trafilatura", "bs4+markdownify"]
    print("| page | size | " + " | ".join(f"{t} MB/s" for t in tools) + " |")
    print("| --- | --- | " + " | ".join("---" for _ in tools) + " |")
    totals = {t: [0, 0.0] for t in tools}
    for page in sorted(rows["paperbrief"]):
        size = rows["paperbrief"][page][0]
        cells = []
        for t in tools:
            s, secs = rows.get(t, {}).get(page, (size, float("nan")))
            totals[t][0] += s
            totals[t][1] += secs
            cells.append(f"{s / secs / 1e6:.1f}")
        print(f"| {page} | {size / 1000:.0f} KB | " + " | ".join(cells) + " |")
    mbps = {t: totals[t][0] / totals[t][1] / 1e6 for t in tools}
    print("| all pages | " + f"{totals['paperbrief'][0] / 1000:.0f} KB | " + " | ".join(f"{mbps[t]:.1f}" for t in tools) + " |")
    for t in tools[1:]:
        print(f"paperbrief is {mbps['paperbrief'] / mbps[t]:.1f}x {t}")


if __name__ == "__main__":
    main()
