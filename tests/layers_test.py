"""docs/architecture.md stays true: the layers it declares are the layers the
imports keep, and its table of where each setting is read is where the code
reads them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from commitgate.config import KEYS

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "commitgate"
DOC = ROOT / "docs" / "architecture.md"


def _table(marker: str) -> list[list[str]]:
    text = DOC.read_text(encoding="utf-8")
    body = text.split(f"<!-- {marker} -->", 1)[1].split(f"<!-- /{marker} -->", 1)[0]
    rows = [line.strip().strip("|").split("|") for line in body.strip().splitlines()]
    return [[cell.strip() for cell in row] for row in rows[2:]]  # past the header


def _names(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def _layers() -> tuple[dict[str, str], dict[str, set[str]]]:
    """Module prefix -> layer, and layer -> the layers it may import."""
    owner: dict[str, str] = {}
    allowed: dict[str, set[str]] = {}
    names = [row[0] for row in _table("layers")]
    for layer, modules, _job, may in _table("layers"):
        for m in _names(modules):
            owner[m.rstrip("/").removesuffix(".py")] = layer
        allowed[layer] = set(names) if may == "all" else {x.strip() for x in may.split(",")}
        allowed[layer].add(layer)  # a layer's modules use each other
    return owner, allowed


def _module(path: Path) -> str:
    """src/commitgate/review/flow.py -> review/flow; __init__ -> the package."""
    rel = path.relative_to(SRC).with_suffix("").as_posix()
    return rel.removesuffix("/__init__") if rel != "__init__" else "__init__"


def _layer_of(module: str, owner: dict[str, str]) -> str | None:
    for prefix in sorted(owner, key=len, reverse=True):
        if module == prefix or module.startswith(prefix + "/"):
            return owner[prefix]
    return None


def _imports(path: Path) -> set[str]:
    """Every commitgate module this file imports, at any depth of the code,
    as module paths like review/flow."""
    known = {_module(p) for p in SRC.rglob("*.py")}
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            base = node.module
            targets = [base, *(f"{base}.{a.name}" for a in node.names)]
        elif isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        for t in targets:
            if t == "commitgate":
                out.add("__init__")
            elif t.startswith("commitgate."):
                name = t.removeprefix("commitgate.").replace(".", "/")
                if name in known:
                    out.add(name)
    return out


def test_every_module_is_in_a_declared_layer() -> None:
    owner, _ = _layers()
    lost = [_module(p) for p in SRC.rglob("*.py") if _layer_of(_module(p), owner) is None]
    assert lost == [], f"modules in no layer of docs/architecture.md: {lost}"
    missing = [m for m in owner if not (SRC / m).exists() and not (SRC / f"{m}.py").exists()]
    assert missing == [], f"docs/architecture.md names modules that do not exist: {missing}"


def test_no_layer_imports_a_higher_one() -> None:
    owner, allowed = _layers()
    wrong = []
    for path in sorted(SRC.rglob("*.py")):
        here = _layer_of(_module(path), owner)
        assert here is not None
        for target in sorted(_imports(path)):
            there = _layer_of(target, owner)
            if there not in allowed[here]:
                wrong.append(f"{_module(path)} ({here}) imports {target} ({there})")
    assert wrong == []


# Settings read through a method or property of Settings, by what they read.
_DERIVED = {
    "fail_on_for": ("fail-on", "overrides"),
    "fail_on_label": ("fail-on",),
    "max_findings_for": ("max-findings", "overrides"),
    "min_confidence_for": ("min-confidence", "overrides"),
    "server": ("base-url",),
    "untrusted_server": ("base-url", "trusted-servers"),
    "scoped_instructions": ("instructions",),
}


def _reads() -> dict[str, set[str]]:
    """Setting -> the modules (outside config/) that read it from a Settings:
    `settings.x`, `s.x` or `self.settings.x`."""
    fields = {k.replace("-", "_"): (k,) for k in KEYS} | _DERIVED
    reads: dict[str, set[str]] = {k: set() for k in KEYS}
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith("config/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Attribute) or node.attr not in fields:
                continue
            v = node.value
            named = isinstance(v, ast.Name) and v.id in ("settings", "s")
            if named or (isinstance(v, ast.Attribute) and v.attr == "settings"):
                for key in fields[node.attr]:
                    reads[key].add(rel)
    return reads


def test_where_each_setting_is_read() -> None:
    documented = {_names(key)[0]: set(_names(where)) for key, where in _table("reads")}
    reads = _reads()
    rows = "\n".join(
        f"| `{k}` | {', '.join(f'`{m}`' for m in sorted(v))} |" for k, v in reads.items()
    )
    assert documented == reads, f"the table should read:\n{rows}"


if __name__ == "__main__":
    # `python -m tests.layers_test` rewrites the table of reads from the code.
    text = DOC.read_text(encoding="utf-8")
    head, rest = text.split("<!-- reads -->", 1)
    rows = "".join(
        f"| `{k}` | {', '.join(f'`{m}`' for m in sorted(v))} |\n" for k, v in _reads().items()
    )
    body = f"<!-- reads -->\n| setting | read in |\n|---|---|\n{rows}"
    DOC.write_text(head + body + "<!-- /reads -->" + rest.split("<!-- /reads -->", 1)[1])
