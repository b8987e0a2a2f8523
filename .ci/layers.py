#!/usr/bin/env python3
"""Import circles between files, and imports that run back up the layers.

Reads every crate of the workspace (`src/` of the root package and of each `crates/*`). For
each file it collects the paths it names inside its own crate (`crate::a::b::Item`,
`super::x`, `self::x`, `use` groups included) and resolves each to the file that defines the
item: module segments are followed to their file, and an item re-exported by a `pub use` is
followed to the file that defines it. Tests (`tests.rs`, `#[cfg(test)] mod tests` blocks) are
left out: they may look anywhere. Then:

- a circle is a set of two or more files that reach each other (a strongly connected
  component of the file graph); the crate graph itself is acyclic (cargo refuses cycles);
- an import runs back up the layers when a file imports from a module of a higher layer,
  by the order in LAYERS below (within one crate).

Exits 1 when there is a circle or more than MAX_UPWARD upward imports.
Usage: .ci/layers.py [ROOT]   (prints the graph's circles and upward imports)
"""

import os
import re
import sys

MAX_UPWARD = 5

# Layers per crate, bottom first: a module may import from its own layer and those below.
LAYERS = {
    "snmpkit-proto": [
        ["hex", "oid", "opaque"],
        ["value"],
        ["codec"],
        ["usm"],
        ["engine"],
        ["rasn_compat"],
    ],
    "snmpkit-mib": [["mib"], ["format"]],
    "snmpkit": [
        ["transport"],
        ["error"],
        ["client", "conf"],
        ["notify", "format"],
        ["poll"],
        ["sink"],
        ["exporter"],
    ],
    "snmpkit-agent": [
        ["store", "recording", "config", "user", "device"],
        ["events"],
        ["responder"],
        ["set", "v3"],
        ["server"],
    ],
    "snmpkit-cli": [["cli"]],
}

ITEM_RE = re.compile(
    r"^\s*(?:pub(?:\([^)]*\))?\s+)?(?:async\s+)?(?:unsafe\s+)?"
    r"(?:fn|struct|enum|trait|type|const|static|union|mod)\s+([A-Za-z_][A-Za-z0-9_]*)",
    re.M,
)
MACRO_RE = re.compile(r"macro_rules!\s+([A-Za-z_][A-Za-z0-9_]*)")


def strip(text):
    """Source without comments, string literals and test modules."""
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', text)
    # Drop `#[cfg(test)] mod NAME { ... }` blocks by brace matching.
    out, i = [], 0
    for m in re.finditer(r"#\[cfg\(test\)\]\s*(?:pub\s+)?mod\s+\w+\s*\{", text):
        if m.start() < i:
            continue
        out.append(text[i : m.start()])
        depth, j = 0, m.end() - 1
        while j < len(text):
            if text[j] == "{":
                depth += 1
            elif text[j] == "}":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        i = j + 1
    out.append(text[i:])
    return "".join(out)


class Crate:
    def __init__(self, name, src):
        self.name, self.src = name, src
        self.files = {}  # module path tuple -> file
        self.text = {}
        for dp, _, fns in os.walk(src):
            for f in fns:
                if not f.endswith(".rs") or f == "tests.rs":
                    continue
                p = os.path.join(dp, f)
                rel = os.path.relpath(p, src)[:-3].split(os.sep)
                if rel[-1] in ("mod", "lib", "main"):
                    rel = rel[:-1]
                self.files[tuple(rel)] = p
                self.text[tuple(rel)] = strip(open(p, encoding="utf-8").read())

    def module_of(self, path):
        return path if path in self.files else None

    def defines(self, mod, name):
        t = self.text.get(mod, "")
        return name in ITEM_RE.findall(t) or name in MACRO_RE.findall(t)

    def reexport(self, mod, name):
        """The path a `pub use` in `mod` gives for `name`, if any."""
        for m in re.finditer(r"pub(?:\([^)]*\))?\s+use\s+([^;]+);", self.text.get(mod, "")):
            for p in expand(m.group(1)):
                segs = p.split("::")
                alias = segs[-1]
                if " as " in alias:
                    alias = alias.split(" as ")[1].strip()
                    segs[-1] = segs[-1].split(" as ")[0].strip()
                if alias == name or segs[-1] == "*":
                    return segs
        return None

    def resolve(self, mod, segs, depth=0):
        """The module file holding the item named by `segs` (relative to `mod`)."""
        if depth > 8 or not segs:
            return None
        base = list(mod)
        if segs[0] == "crate":
            base, segs = [], segs[1:]
        while segs and segs[0] in ("super", "self"):
            if segs[0] == "super":
                base = base[:-1]
            segs = segs[1:]
        cur = tuple(base)
        i = 0
        while i < len(segs) and tuple(list(cur) + [segs[i]]) in self.files:
            cur = tuple(list(cur) + [segs[i]])
            i += 1
        if i == len(segs):
            return cur
        name = segs[i]
        if self.defines(cur, name):
            return cur
        target = self.reexport(cur, name)
        if target is None:
            return cur if cur in self.files else None
        if target[0] not in ("crate", "super", "self") and tuple(list(cur) + [target[0]]) not in self.files:
            return None  # another crate's item
        if target[-1] == "*":
            target = target[:-1] + [name]
        return self.resolve(cur, target, depth + 1) or cur

    def edges(self):
        out = {}
        for mod, text in self.text.items():
            deps = set()
            paths = []
            for m in re.finditer(r"\buse\s+((?:crate|super|self)::[^;]+);", text):
                paths += expand(m.group(1))
            for m in re.finditer(r"\b((?:crate|super)(?:::[A-Za-z_][A-Za-z0-9_]*)+)", text):
                paths.append(m.group(1))
            # Items of a child module named by `mod::Item` after `use super::x` etc. are
            # covered by the paths above; bare names from `use self::x::*` too.
            for p in paths:
                segs = [s.strip() for s in p.split("::") if s.strip()]
                segs = [s.split(" as ")[0].strip() for s in segs]
                if segs and segs[-1] == "*":
                    segs = segs[:-1]
                r = self.resolve(mod, segs)
                if r is not None and r != mod and r in self.files:
                    # A module's own children are below it, not an import of its parent.
                    deps.add(r)
            out[mod] = deps
        return out


def expand(use):
    """`a::{b, c::{d, e}}` -> [`a::b`, `a::c::d`, `a::c::e`]."""
    use = " ".join(use.split())
    m = re.match(r"^(.*?)\{(.*)\}$", use)
    if not m:
        return [use]
    head, body = m.group(1), m.group(2)
    parts, depth, cur = [], 0, ""
    for ch in body:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    out = []
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if p == "self":
            out.append(head.rstrip(":"))
        else:
            out += expand(head + p)
    return out


def sccs(graph):
    index, low, stack, on, res, n = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
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
            res.append(comp)

    sys.setrecursionlimit(10000)
    for v in graph:
        if v not in index:
            visit(v)
    return [c for c in res if len(c) > 1]


def layer_of(crate, mod):
    for k, group in enumerate(LAYERS.get(crate, [])):
        if mod and mod[0] in group:
            return k
    return None


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    crates = [("snmpkit", os.path.join(root, "src"))]
    cdir = os.path.join(root, "crates")
    for c in sorted(os.listdir(cdir)) if os.path.isdir(cdir) else []:
        if os.path.isdir(os.path.join(cdir, c, "src")):
            crates.append((c, os.path.join(cdir, c, "src")))
    circles, upward, files, edges = 0, [], 0, 0
    for name, src in crates:
        c = Crate(name, src)
        g = c.edges()
        files += len(g)
        edges += sum(len(v) for v in g.values())
        for comp in sccs(g):
            circles += 1
            print(f"circle in {name}: " + " <-> ".join(c.files[m] for m in comp))
        for a, deps in g.items():
            la = layer_of(name, a)
            for b in deps:
                lb = layer_of(name, b)
                if la is not None and lb is not None and lb > la:
                    upward.append(f"{c.files[a]} -> {c.files[b]}")
    for u in sorted(upward):
        print(f"upward: {u}")
    print(
        f"{files} files, {edges} file imports, {circles} circles, "
        f"{len(upward)} upward imports (at most {MAX_UPWARD})"
    )
    sys.exit(1 if circles or len(upward) > MAX_UPWARD else 0)


if __name__ == "__main__":
    main()
