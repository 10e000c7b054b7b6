#!/usr/bin/env python3
"""Fails when the top-level modules of any crate depend on each other in a cycle.

usage: module_cycles.py [CRATE_SRC_DIR ...]   (default: every crates/*/src and crates/cli)

A module's dependencies are the `crate::NAME` paths in its files (in `use` lists too, nested
braces included) and, in a top-level module file, `super::NAME`. Test modules (`tests.rs`,
`tests/`, and code after `#[cfg(test)]`) are left out: tests may reach anywhere.
"""
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def top_modules(src: Path) -> dict:
    mods = {}
    for entry in sorted(src.iterdir()):
        if entry.name in ("lib.rs", "main.rs", "tests.rs", "tests", "snapshots"):
            continue
        if entry.is_file() and entry.suffix == ".rs":
            files = [entry]
            sub = src / entry.stem
            if sub.is_dir():
                files += sorted(sub.rglob("*.rs"))
            mods[entry.stem] = files
        elif entry.is_dir() and (entry / "mod.rs").exists():
            mods[entry.name] = sorted(entry.rglob("*.rs"))
    return mods


def strip(text: str) -> str:
    text = re.sub(r"//[^\n]*", "", text)
    cut = text.find("#[cfg(test)]")
    return text if cut < 0 else text[:cut]


def paths_in_use_tree(tree: str) -> list:
    """`crate::{a, b::{c, d}}` → ['a', 'b']: the first segment of each branch."""
    tree = tree.strip()
    if tree.startswith("{"):
        depth, part, parts = 0, "", []
        for ch in tree[1:-1]:
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            if ch == "," and depth == 0:
                parts.append(part)
                part = ""
            else:
                part += ch
        parts.append(part)
        out = []
        for p in parts:
            p = p.strip()
            if p:
                out.append(re.split(r"::|\s", p)[0])
        return out
    return [re.split(r"::|\s|;", tree)[0]]


def deps(files: list, is_top_file, names: set) -> set:
    found = set()
    for f in files:
        if f.name == "tests.rs" or "tests" in f.parts[:-1]:
            continue
        text = strip(f.read_text())
        prefixes = ["crate"] + (["super"] if is_top_file(f) else [])
        for prefix in prefixes:
            for m in re.finditer(prefix + r"::(\{[^;]*?\}(?=\s*;)|[A-Za-z_][A-Za-z0-9_]*)", text):
                for name in paths_in_use_tree(m.group(1)):
                    if name in names:
                        found.add(name)
    return found


def cycles(graph: dict) -> list:
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def check(src: Path) -> list:
    mods = top_modules(src)
    names = set(mods)
    graph = {}
    for name, files in mods.items():
        top = {src / f"{name}.rs", src / name / "mod.rs"}
        graph[name] = deps(files, lambda f: f in top, names) - {name}
    problems = []
    for comp in cycles(graph):
        edges = [f"{a} → {b}" for a in comp for b in sorted(graph[a]) if b in comp]
        problems.append(f"{src.relative_to(ROOT)}: modules in a cycle: {', '.join(comp)} ({'; '.join(edges)})")
    return problems


def main() -> int:
    dirs = [Path(a).resolve() for a in sys.argv[1:]] or sorted(
        [p / "src" for p in (ROOT / "crates").iterdir() if (p / "src").is_dir()]
        + [ROOT / "crates" / "cli"]
    )
    problems = [p for d in dirs for p in check(d)]
    for p in problems:
        print(p)
    if not problems:
        print(f"no module cycles in {len(dirs)} crates")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
