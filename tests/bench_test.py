"""The benchmarks still run: their setup at toy sizes, and their checks.
No timings are asserted here (see bench/RESULTS.md for those)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bench import cache, concurrency, corpus, efficiency, harness, overhead, quality, scale, speed

from tests.fake_gateway import FakeGateway


def test_every_benchmark_has_a_section_and_an_entry_point() -> None:
    for module in (overhead, concurrency, cache, scale, efficiency, speed, quality):
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
