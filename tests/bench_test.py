"""The benchmarks still run: their setup at toy sizes, and their checks.
No timings are asserted here (see bench/RESULTS.md for those)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from bench import (
    cache,
    concurrency,
    corpus,
    efficiency,
    fixes,
    harness,
    overhead,
    quality,
    scale,
    speed,
)

from tests.fake_gateway import FakeGateway, ReviewInput


def test_every_benchmark_has_a_section_and_an_entry_point() -> None:
    for module in (overhead, concurrency, cache, scale, efficiency, speed, quality, fixes):
        assert module.__name__.split(".")[-1] in harness.SECTIONS
        assert callable(module.main)


def test_typical_commit_is_five_modules_and_about_200_changed_lines() -> None:
    c = corpus.typical_commit()
    assert len(c.before) == len(c.after) == 5
    assert all(150 <= data.count(b"\n") <= 320 for data in c.before.values())
    assert 180 <= c.changed_lines <= 240
    assert c == corpus.typical_commit()  # seeded: the same on every machine


def test_repository_has_the_sizes_asked_for_and_files_not_to_review() -> None:
    files = list(corpus.repository(files=400, lines=40_000))
    assert len(files) == 400
    assert sum(f.lines for f in files) == 40_000
    assert any(b"\0" in f.data for f in files)  # binary
    assert any(len(f.data) > 524_288 for f in files)  # over max-file-bytes
    assert len({f.path for f in files}) == 400


def test_efficiency_counts_every_byte_of_a_real_request(gateway: FakeGateway) -> None:
    with harness.Workspace() as ws:
        repo, files = harness.typical_repo(ws)
        sent = efficiency.send(ws, gateway, repo, files)
    assert sent.requests == 1
    assert sent.body_bytes == len(gateway.posts[0].body)
    assert sum(sent.parts.values()) == sent.body_bytes
    assert 180 <= sent.changed_lines <= 240


def test_concurrency_change_makes_one_request_per_file(gateway: FakeGateway) -> None:
    with harness.Workspace() as ws:
        repo = concurrency.setup(ws, files=3)
        r = harness.run(
            [*harness.script("commitgate"), "--dry-run", "--format", "json"],
            repo,
            ws.env(gateway.base_url),
        )
    assert len(harness.report(r)["requests"]) == 3


def test_scale_setup_and_completeness_check() -> None:
    with harness.Workspace() as ws:
        made = scale.setup(ws, files=400, lines=40_000)
        tracked = set(harness.git(made.repo, ws.env(), "ls-files", "-z").split("\0")) - {""}
    assert made.files == len(tracked) == 400 and made.lines == 40_000
    some = sorted(tracked)
    doc = {"files": some[1:], "not_reviewed": [{"path": some[0], "reason": "binary"}]}
    assert scale.check(doc, tracked) == (True, {"binary": 1})
    doc["files"] = some[2:]
    assert not scale.check(doc, tracked)[0]


def test_save_replaces_only_its_own_section(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(harness, "RESULTS", tmp_path / "RESULTS.md")
    harness.save("scale", "old scale", "here")
    harness.save("overhead", "overhead figures", "here")
    harness.save("scale", "new scale", "there")
    text = (tmp_path / "RESULTS.md").read_text()
    assert text.startswith("# Benchmark results")
    assert "new scale" in text and "old scale" not in text and "overhead figures" in text
    assert text.index("## overhead") < text.index("## scale")


def test_interleave_alternates_the_order() -> None:
    seen: list[str] = []

    def job(name: str) -> float:
        seen.append(name)
        return 0.0

    harness.interleave({"a": lambda: job("a"), "b": lambda: job("b")}, 3)
    assert seen == ["a", "b", "b", "a", "a", "b"]


def test_breakdown_of_a_body() -> None:
    body = {
        "instructions": "Review.",
        "text": {"format": {"type": "json_schema"}},
        "input": 'Review this.\n<<<x\n1+a = "b"\nx>>>',
        "model": "m",
    }
    raw = json.dumps(body, separators=(",", ":")).encode()
    parts = efficiency.breakdown([raw])
    assert sum(parts.values()) == len(raw)
    assert parts["change"] == len('1+a = "b"\n')


def test_fixes_judges_a_fix_by_the_cases_own_check(gateway: FakeGateway, tmp_path: Path) -> None:
    """An oracle that answers every fix with the case's fixed/ file: the
    check passes. The default answer (no edits): refused, not fixed."""
    case = next(c for c in fixes.cases() if c.language == "python")
    bug = case.bugs[0]
    fixed = (Path(case.root) / "fixed" / bug.path).read_text()
    after = (Path(case.after) / bug.path).read_text()

    def oracle(ri: ReviewInput) -> dict[str, Any]:
        return {
            "edits": [
                {
                    "path": bug.path,
                    "start_line": 1,
                    "end_line": len(after.splitlines()),
                    "replacement": fixed,
                }
            ],
            "explanation": "the corrected file",
        }

    gateway.reviewer = oracle
    (tmp_path / "a").mkdir()
    r = fixes.fix_case(case, gateway.base_url, {}, tmp_path / "a")
    assert r["applied"] and r["fixed"], r
    assert r["index_unchanged"]
    assert "You fix one problem" in gateway.posts[-1].body.decode()
    assert bug.why.split()[0] in gateway.posts[-1].body.decode()

    gateway.reviewer = lambda ri: {"findings": []}
    (tmp_path / "b").mkdir()
    r = fixes.fix_case(case, gateway.base_url, {}, tmp_path / "b")
    assert not r["applied"] and not r["fixed"]
    assert fixes.summary([r])["refused"] == {"no usable answer": 1}
