"""The layering rule (README "Layout"), checked on the real sources: no file of a lower layer includes a header of a
higher one or uses a function or variable a higher layer defines. The order is written once, lower to higher, in the Makefile's
LAYERS (one folder of src/ each). A header's layer is the lowest of the sources that implement it."""
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The run's description (options of the run, axes, task numbering): implemented in engine/ (reading it is the engine's
# job) but written against by the kind rows and the store, so it sits at the kinds' level. Its sources in engine/ may
# use the kind table; nothing in it drives the sweep.
DESCRIPTION = {"config.h": "kinds", "grid.h": "kinds"}

INCLUDE = re.compile(r'^\s*#\s*include\s+"(?:lmg/)?(\w+\.h)"', re.M)
DEFINED = re.compile(r"^(?!static\b)[A-Za-z_][\w \t*]*?\b(Lmg\w+)\s*(?:\([^;{]*\)\s*\{|(?:\[\w*\])?\s*=)", re.M)
DECLARED = re.compile(r"\b(Lmg\w+)\s*(?:\(|\[\w*\]\s*;|;)")
USED = re.compile(r"\b(Lmg\w+)\b")


def strip(text):
    """C text without comments and string literals."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    return re.sub(r'"(?:\\.|[^"\\\n])*"', '""', text)


def layers(root):
    """The layer order of the Makefile's LAYERS, lower to higher."""
    m = re.search(r"^LAYERS\s*:=\s*(.+)$", (root / "Makefile").read_text(), re.M)
    assert m, "the Makefile has no LAYERS line"
    return m.group(1).split()


def sources(root, order):
    """{path: layer} of every .c under src/ (each must lie in a layer's folder)."""
    out = {}
    for p in sorted((root / "src").rglob("*.c")):
        layer = p.relative_to(root / "src").parts[0]
        out[p] = layer if p.parent.parent == root / "src" and layer in order else None
    return out


def check(root):
    """Every violation of the rule under root (src/, include/lmg/, Makefile), one line each."""
    order = layers(root)
    rank = {l: i for i, l in enumerate(order)}
    src = sources(root, order)
    bad = [f"{p.relative_to(root)}: not in a layer folder src/<{'|'.join(order)}>/" for p, l in src.items() if l is None]
    text = {p: strip(p.read_text()) for p in src if src[p]}
    defined = {}  # symbol -> layer of the source defining it
    for p, t in text.items():
        for name in DEFINED.findall(t):
            defined.setdefault(name, src[p])
    headers, hlayer = sorted((root / "include" / "lmg").glob("*.h")), {}
    for h in headers:
        names = set(DECLARED.findall(strip(h.read_text())))
        owners = {defined[n] for n in names if n in defined}
        if h.name in DESCRIPTION:
            hlayer[h.name] = DESCRIPTION[h.name]
        elif owners:
            hlayer[h.name] = min(owners, key=rank.get)
        else:
            bad.append(f"include/lmg/{h.name}: no source implements it (no layer)")
    for h in headers:  # symbols of the description headers are at its level
        if h.name in DESCRIPTION:
            for n in DECLARED.findall(strip(h.read_text())):
                if n in defined:
                    defined[n] = DESCRIPTION[h.name]
    files = [(p, src[p], text[p]) for p in text] + [(h, hlayer.get(h.name), strip(h.read_text())) for h in headers]
    for p, layer, t in files:
        if layer is None:
            continue
        for inc in INCLUDE.findall(p.read_text()):
            if inc in hlayer and rank[hlayer[inc]] > rank[layer]:
                bad.append(f"{p.relative_to(root)} ({layer}) includes {inc} ({hlayer[inc]})")
        for name in sorted(set(USED.findall(t)) if p.suffix == ".c" else ()):
            if name in defined and rank[defined[name]] > rank[layer]:
                bad.append(f"{p.relative_to(root)} ({layer}) uses {name} ({defined[name]})")
    return bad, hlayer


def test_the_sources_keep_the_layering_rule():
    bad, hlayer = check(ROOT)
    assert not bad, "\n".join(bad)
    assert set(layers(ROOT)) == {"base", "spectrum", "kernels", "dynamics", "observables", "kinds", "store", "engine"}
    # the pieces the issue names where they belong
    for h, l in {"lmg.h": "base", "options.h": "base", "control.h": "base", "spectrum.h": "spectrum", "band.h": "kernels",
                 "dynamics.h": "dynamics", "rates.h": "observables", "kind.h": "kinds", "h5out.h": "store",
                 "scheduler.h": "engine", "task.h": "engine", "checkpoint.h": "engine"}.items():
        assert hlayer[h] == l, (h, hlayer[h])


@pytest.fixture
def tree(tmp_path):
    """A copy of the sources the checker reads, to break on purpose."""
    shutil.copytree(ROOT / "src", tmp_path / "src")
    shutil.copytree(ROOT / "include", tmp_path / "include")
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    return tmp_path


def test_it_fails_on_an_include_from_above(tree):
    p = tree / "src" / "dynamics" / "propagate.c"
    p.write_text(p.read_text().replace('#include "lmg/dynamics.h"', '#include "lmg/dynamics.h"\n#include "lmg/scheduler.h"'))
    bad, _ = check(tree)
    assert bad == ["src/dynamics/propagate.c (dynamics) includes scheduler.h (engine)"]


def test_it_fails_on_a_header_that_includes_from_above(tree):
    p = tree / "include" / "lmg" / "dynamics.h"
    p.write_text(p.read_text().replace('#include "control.h"', '#include "checkpoint.h"\n#include "control.h"'))
    bad, _ = check(tree)
    assert bad == ["include/lmg/dynamics.h (dynamics) includes checkpoint.h (engine)"]


def test_it_fails_on_a_call_into_the_engine(tree):
    p = tree / "src" / "observables" / "lz_classical.c"
    p.write_text(p.read_text().replace("LmgControlAbandon(ctl)", "LmgAbandon()"))
    bad, _ = check(tree)
    assert bad == ["src/observables/lz_classical.c (observables) uses LmgAbandon (engine)"]


def test_it_fails_on_a_read_of_the_engine_s_state(tree):
    p = tree / "src" / "spectrum" / "splitting.c"
    p.write_text(p.read_text().replace("LmgControlAbandon(ctl)", "(LmgStopSignal != 0)"))
    bad, _ = check(tree)
    assert bad == ["src/spectrum/splitting.c (spectrum) uses LmgStopSignal (engine)"]


def test_it_fails_on_a_call_into_the_store_and_on_a_stray_file(tree):
    (tree / "src" / "leggett_io.c").write_text("int x;\n")
    p = tree / "src" / "spectrum" / "doublet.c"
    p.write_text(p.read_text() + "\nstatic void Peek(void) { (void)LmgH5Bytes(NULL); }\n")
    bad, _ = check(tree)
    assert sorted(bad) == ["src/leggett_io.c: not in a layer folder src/<base|spectrum|kernels|dynamics|observables|kinds|store|engine>/",
                           "src/spectrum/doublet.c (spectrum) uses LmgH5Bytes (store)"]
