from __future__ import annotations

from pathlib import Path

from commitgate import config
from commitgate.review.findings import Finding
from commitgate.review.gate import decide
from commitgate.severity import Severity


def settings(tmp_path: Path, text: str = "") -> config.Settings:
    (tmp_path / "commitgate.toml").write_text(text)
    return config.load(str(tmp_path), env={})


def f(
    sev: Severity, path: str = "a.py", held: str = "", confidence: float | None = None
) -> Finding:
    return Finding(path, 1, sev, f"{sev.label} title", "m", held=held, confidence=confidence)


def test_fail_on(tmp_path: Path) -> None:
    s = settings(tmp_path)
    marked, d = decide([f(Severity.HIGH), f(Severity.MEDIUM)], s)
    assert d.blocked and d.reasons == ("1 high finding at or above fail-on",)
    assert [m.blocking for m in marked] == [True, False]
    _, d = decide([f(Severity.MEDIUM), f(Severity.LOW)], s)
    assert not d.blocked and d.reasons == ()


def test_held_findings_never_block(tmp_path: Path) -> None:
    marked, d = decide(
        [f(Severity.CRITICAL, held="not on a line this change touched")], settings(tmp_path)
    )
    assert not d.blocked and not marked[0].blocking


def test_max_findings(tmp_path: Path) -> None:
    s = settings(tmp_path, "max-findings = { medium = 2 }")
    _, d = decide([f(Severity.MEDIUM)] * 2, s)
    assert not d.blocked
    marked, d = decide([f(Severity.MEDIUM)] * 3 + [f(Severity.LOW)], s)
    assert d.blocked
    assert d.reasons == ("3 medium findings, more than max-findings.medium = 2",)
    assert [m.blocking for m in marked] == [True, True, True, False]


def test_per_path_overrides(tmp_path: Path) -> None:
    s = settings(
        tmp_path,
        """
max-findings = { low = 0 }
[[overrides]]
paths = ["tests/**"]
fail-on = "critical"
max-findings = {}
""",
    )
    _, d = decide([f(Severity.HIGH, "tests/t.py"), f(Severity.LOW, "tests/t.py")], s)
    assert not d.blocked
    _, d = decide([f(Severity.HIGH, "src/a.py")], s)
    assert d.blocked
    _, d = decide([f(Severity.LOW, "src/a.py")], s)
    assert d.reasons == ("1 low finding, more than max-findings.low = 0",)


def test_unsure_findings_are_held_not_dropped(tmp_path: Path) -> None:
    s = settings(tmp_path)
    marked, d = decide(
        [
            f(Severity.CRITICAL, confidence=0.3),
            f(Severity.HIGH, confidence=0.5),
            f(Severity.HIGH, confidence=None),
        ],
        s,
    )
    assert [m.held for m in marked] == ["confidence 0.3 below min-confidence 0.5", "", ""]
    assert [m.blocking for m in marked] == [False, True, True]
    assert d.reasons == ("2 high findings at or above fail-on",)


def test_unsure_findings_do_not_count_towards_max_findings(tmp_path: Path) -> None:
    s = settings(tmp_path, "max-findings = { low = 1 }")
    _, d = decide([f(Severity.LOW, confidence=0.1), f(Severity.LOW, confidence=0.9)], s)
    assert not d.blocked


def test_an_earlier_reason_to_hold_is_kept(tmp_path: Path) -> None:
    marked, _ = decide(
        [f(Severity.HIGH, held="in the baseline", confidence=0.1)], settings(tmp_path)
    )
    assert marked[0].held == "in the baseline"


def test_min_confidence_per_path(tmp_path: Path) -> None:
    s = settings(
        tmp_path,
        """
min-confidence = 0
[[overrides]]
paths = ["tests/**"]
min-confidence = 0.9
""",
    )
    marked, _ = decide(
        [f(Severity.HIGH, "tests/t.py", confidence=0.8), f(Severity.HIGH, "a.py", confidence=0.01)],
        s,
    )
    assert [m.blocking for m in marked] == [False, True]
    assert marked[0].held == "confidence 0.8 below min-confidence 0.9"
