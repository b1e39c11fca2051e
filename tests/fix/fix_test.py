"""`commitgate fix`, end to end: a blocked review through the command line,
then fixes asked of the loopback gateway and written to the working tree,
or refused. In every case the index is byte-for-byte what it was."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Callable

import pytest

from commitgate.main import main
from tests.conftest import TEST_KEY, GitRepo
from tests.fake_gateway import FakeGateway, ReviewInput, marker_reviewer

APP = """\
def mean(values):
    total = sum(values)
    return total / len(values)  # BUG:high


def name(user):
    return user["name"]
"""

FIXED_LINE = "    return total / len(values) if values else 0.0"

Fixer = Callable[[ReviewInput, dict[int, str], str], dict[str, Any]]


def is_fix(ri: ReviewInput) -> bool:
    return ri.instructions.startswith("You fix one problem")


def shown_file(ri: ReviewInput) -> tuple[str, dict[int, str]]:
    """The path and numbered lines of the file a fix request shows."""
    path, lines = "", {}
    for line in ri.input.splitlines():
        if line.startswith("### FILE "):
            path = json.JSONDecoder().raw_decode(line, len("### FILE "))[0]
        elif m := re.match(r"^(\d+) (.*)$", line):
            lines[int(m.group(1))] = m.group(2)
    return path, lines


def unmark(ri: ReviewInput, lines: dict[int, str], path: str) -> dict[str, Any]:
    """The fix every test expects unless it says otherwise: the finding's
    line (the one the request names) without its marker, made safe."""
    m = re.search(r"^severity: \w+; lines? (\d+)", ri.input, re.M)
    assert m, ri.input
    n = int(m.group(1))
    text = lines[n]
    new = FIXED_LINE if "total / len" in text else re.sub(r"\s*# BUG:\w+", "", text)
    return {
        "edits": [{"path": path, "start_line": n, "end_line": n, "replacement": new}],
        "explanation": "guards the case the review found",
    }


class Fixes:
    """The gateway's reviewer: findings on BUG markers for a review, and
    `fixer`'s answer for a fix request."""

    def __init__(self) -> None:
        self.fixer: Fixer = unmark
        self.asked: list[ReviewInput] = []

    def __call__(self, ri: ReviewInput) -> dict[str, Any]:
        if not is_fix(ri):
            return marker_reviewer(ri)
        self.asked.append(ri)
        path, lines = shown_file(ri)
        return self.fixer(ri, lines, path)


@pytest.fixture
def fixes(env: FakeGateway) -> Fixes:
    f = Fixes()
    env.reviewer = f
    return f


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def blocked(
    repo: GitRepo, fixes: Fixes, capsys: pytest.CaptureFixture[str]
) -> Iterator[tuple[GitRepo, bytes]]:
    """A staged change the review blocks on app.py:3; the index as it was
    after the review, which no fix may change."""
    repo.write("README", "x\n")
    repo.stage()
    repo.commit()
    repo.write("app.py", APP)
    repo.stage("app.py")
    code, out, _ = run(capsys, "app.py")
    assert code == 1, out
    assert "to fix: commitgate fix" in out
    index = (repo.path / ".git" / "index").read_bytes()
    yield repo, index
    assert (repo.path / ".git" / "index").read_bytes() == index, "the index changed"


def test_a_fix_that_applies(
    blocked: tuple[GitRepo, bytes], fixes: Fixes, capsys: pytest.CaptureFixture[str]
) -> None:
    repo, _ = blocked
    code, out, err = run(capsys, "fix", "--list")
    assert code == 0, err
    assert "  1. app.py:3: high: planted high bug  [blocking]" in out

    code, out, err = run(capsys, "fix", "--apply")
    assert code == 0, out + err
    assert "-    return total / len(values)  # BUG:high" in out
    assert f"+{FIXED_LINE}" in out
    assert "guards the case the review found" in out
    assert "applied to the working tree: app.py" in out
    assert "git add -p -- app.py" in out
    assert "check it again: git add -- app.py && commitgate app.py" in out
    assert re.search(r"tokens: [\d,]+ in, [\d,]+ out, 1 request", out)
    assert (repo.path / "app.py").read_text() == APP.replace(
        "    return total / len(values)  # BUG:high", FIXED_LINE
    )
    # Only the file around the finding went to the model, and no key in the output.
    assert '### FILE "app.py"' in fixes.asked[0].input
    assert TEST_KEY not in out + err
    # The staged content is still the reviewed one: the user stages the fix.
    assert repo.git("show", ":app.py") == APP

    code, out, _ = run(capsys, "fix", "--list")
    assert "[blocking, fixed]" in out
    code, out, _ = run(capsys, "fix")
    assert code == 0
    assert "nothing to fix" in out


def test_shown_not_written_without_apply(
    blocked: tuple[GitRepo, bytes], fixes: Fixes, capsys: pytest.CaptureFixture[str]
) -> None:
    repo, _ = blocked
    code, out, _ = run(capsys, "fix")
    assert code == 0
    assert f"+{FIXED_LINE}" in out
    assert "to write these to the working tree: commitgate fix 1 --apply" in out
    assert (repo.path / "app.py").read_text() == APP


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        (
            {"edits": [{"path": "app.py", "start_line": 3, "end_line": 3, "replacement": "  ("}]},
            "with the fix it would no longer compile",
        ),
        (
            {"edits": [{"path": "app.py", "start_line": 30, "end_line": 31, "replacement": "x"}]},
            "outside the file's 7 lines",
        ),
        ({"edits": [], "explanation": "not a real problem"}, "proposed no change: not a real"),
        ("I would add a guard for the empty list.", "no fix: "),
    ],
    ids=["does-not-compile", "outside-the-file", "no-edits", "prose"],
)
def test_a_fix_that_does_not_apply(
    blocked: tuple[GitRepo, bytes],
    fixes: Fixes,
    capsys: pytest.CaptureFixture[str],
    answer: Any,
    why: str,
) -> None:
    repo, _ = blocked
    fixes.fixer = lambda ri, lines, path: answer
    code, out, _ = run(capsys, "fix", "--apply")
    assert code == 1
    assert "not fixed: 1. " in out
    assert why in out
    assert "applied" not in out
    assert (repo.path / "app.py").read_text() == APP


def test_a_file_changed_since_the_review(
    blocked: tuple[GitRepo, bytes], fixes: Fixes, capsys: pytest.CaptureFixture[str]
) -> None:
    repo, _ = blocked
    changed = APP.replace("# BUG:high", "# edited by hand")
    repo.write("app.py", changed)
    code, out, _ = run(capsys, "fix", "--apply")
    assert code == 1
    assert "not fixed: 1. app.py: line 3 (the finding's) changed since the review" in out
    assert "nothing was sent to the model" in out
    assert not fixes.asked
    assert (repo.path / "app.py").read_text() == changed


def test_a_line_added_above_moves_the_fix_with_it(
    blocked: tuple[GitRepo, bytes], fixes: Fixes, capsys: pytest.CaptureFixture[str]
) -> None:
    repo, _ = blocked
    repo.write("app.py", "import math\n" + APP)
    code, out, _ = run(capsys, "fix", "--apply")
    assert code == 0, out
    assert (repo.path / "app.py").read_text() == "import math\n" + APP.replace(
        "    return total / len(values)  # BUG:high", FIXED_LINE
    )
    # The unstaged line is the user's, not the fix's: say how to stage only the fix.
    assert "holds changes that were not reviewed" in out
    assert "git add -p -- app.py" in out


def test_a_patch_reaching_for_another_file(
    blocked: tuple[GitRepo, bytes], fixes: Fixes, capsys: pytest.CaptureFixture[str]
) -> None:
    repo, _ = blocked

    def elsewhere(ri: ReviewInput, lines: dict[int, str], path: str) -> dict[str, Any]:
        answer = unmark(ri, lines, path)
        answer["edits"].append(
            {"path": "README", "start_line": 1, "end_line": 1, "replacement": "pwned"}
        )
        return answer

    fixes.fixer = elsewhere
    code, out, _ = run(capsys, "fix", "--apply")
    assert code == 1
    assert "the fix reaches for README, not only app.py: not applied" in out
    assert (repo.path / "app.py").read_text() == APP
    assert (repo.path / "README").read_text() == "x\n"


def _tamper(repo: GitRepo, change: Callable[[dict[str, Any]], None]) -> None:
    where = repo.path / ".git" / "commitgate" / "last-review.json"
    doc = json.loads(where.read_text())
    change(doc)
    where.write_text(json.dumps(doc))


def test_a_path_outside_the_repository(
    blocked: tuple[GitRepo, bytes],
    fixes: Fixes,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    repo, _ = blocked
    outside = tmp_path / "outside.py"
    outside.write_text(APP)
    (repo.path / "link.py").symlink_to(outside)

    def point_out(doc: dict[str, Any]) -> None:
        first = doc["findings"][0]
        doc["findings"] = [
            {**first, "number": 1, "path": "../outside.py"},
            {**first, "number": 2, "path": str(outside)},
            {**first, "number": 3, "path": "link.py"},
        ]
        for p in ("../outside.py", str(outside), "link.py"):
            doc["files"][p] = doc["files"]["app.py"]

    _tamper(repo, point_out)
    code, out, _ = run(capsys, "fix", "1", "2", "3", "--apply")
    assert code == 1
    assert "not fixed: 1. ../outside.py: outside the repository" in out
    assert f"not fixed: 2. {outside}: outside the repository" in out
    assert "not fixed: 3. link.py: symbolic link" in out
    assert not fixes.asked
    assert outside.read_text() == APP


def test_a_finding_on_a_file_that_no_longer_exists(
    blocked: tuple[GitRepo, bytes], fixes: Fixes, capsys: pytest.CaptureFixture[str]
) -> None:
    repo, _ = blocked
    (repo.path / "app.py").unlink()
    code, out, _ = run(capsys, "fix", "--apply")
    assert code == 1
    assert "not fixed: 1. app.py no longer exists" in out
    assert not fixes.asked
    assert not (repo.path / "app.py").exists()


TWO = """\
import os


def run(cmd):
    os.system(cmd)  # BUG:high
    return 0


def parse(text):
    return eval(text)  # BUG:critical
"""


def _review(
    repo: GitRepo,
    capsys: pytest.CaptureFixture[str],
    path: str,
    text: str | bytes,
    blocks: bool = True,
) -> None:
    repo.write("README", "x\n")
    repo.stage()
    repo.commit()
    repo.write(path, text)
    repo.stage(path)
    code, out, _ = run(capsys, path)
    assert code == (1 if blocks else 0), out


def test_two_fixes_to_the_same_file(
    repo: GitRepo, fixes: Fixes, capsys: pytest.CaptureFixture[str]
) -> None:
    _review(repo, capsys, "tool.py", TWO)
    index = (repo.path / ".git" / "index").read_bytes()
    code, out, _ = run(capsys, "fix", "--apply")
    assert code == 0, out
    assert len(fixes.asked) == 2
    assert (repo.path / "tool.py").read_text() == TWO.replace("  # BUG:high", "").replace(
        "  # BUG:critical", ""
    )
    # One patch for the file, both fixes in it.
    assert out.count("diff --git a/tool.py b/tool.py") == 1
    assert (repo.path / ".git" / "index").read_bytes() == index


def test_two_fixes_to_the_same_lines_take_the_first(
    repo: GitRepo, fixes: Fixes, capsys: pytest.CaptureFixture[str]
) -> None:
    _review(repo, capsys, "tool.py", TWO)

    def wide(ri: ReviewInput, lines: dict[int, str], path: str) -> dict[str, Any]:
        return {
            "edits": [{"path": path, "start_line": 4, "end_line": 10, "replacement": "pass"}],
            "explanation": "rewrites everything",
        }

    fixes.fixer = wide
    code, out, _ = run(capsys, "fix", "--apply")
    assert code == 1
    assert re.search(
        r"not fixed: \d\. tool.py: the fixes for findings \d and \d edit the same", out
    )
    assert "applied to the working tree: tool.py" in out


def test_a_deleted_line(repo: GitRepo, fixes: Fixes, capsys: pytest.CaptureFixture[str]) -> None:
    text = "def f(x):\n    print(x)  # BUG:low\n    return x\n"
    _review(repo, capsys, "f.py", text, blocks=False)
    index = (repo.path / ".git" / "index").read_bytes()
    fixes.fixer = lambda ri, lines, path: {
        "edits": [{"path": path, "start_line": 2, "end_line": 2, "replacement": ""}],
        "explanation": "removes the debug print",
    }
    code, out, _ = run(capsys, "fix", "--all", "--apply")
    assert code == 0, out
    assert "-    print(x)  # BUG:low" in out
    assert (repo.path / "f.py").read_text() == "def f(x):\n    return x\n"
    assert (repo.path / ".git" / "index").read_bytes() == index


def test_crlf_files_keep_their_line_endings(
    repo: GitRepo, fixes: Fixes, capsys: pytest.CaptureFixture[str]
) -> None:
    text = APP.replace("\n", "\r\n").encode()
    _review(repo, capsys, "app.py", text)
    index = (repo.path / ".git" / "index").read_bytes()
    code, out, _ = run(capsys, "fix", "--apply")
    assert code == 0, out
    assert (repo.path / "app.py").read_bytes() == text.replace(
        b"    return total / len(values)  # BUG:high", FIXED_LINE.encode()
    )
    assert (repo.path / ".git" / "index").read_bytes() == index


def test_secrets_stay_redacted_in_what_is_sent(
    repo: GitRepo, fixes: Fixes, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = "AKIA" + "Q2XK7P4MZR3T6W5Y"
    text = (
        f'KEY = "{secret}"\n\n\ndef mean(values):\n'
        "    return sum(values) / len(values)  # BUG:high\n"
    )
    _review(repo, capsys, "app.py", text)

    def keep_key_line(ri: ReviewInput, lines: dict[int, str], path: str) -> dict[str, Any]:
        # Rewrites lines 1-5, giving line 1 back as the model saw it.
        body = "\n".join(
            [lines[1], "", "", lines[4], "    return sum(values) / max(len(values), 1)"]
        )
        return {
            "edits": [{"path": path, "start_line": 1, "end_line": 5, "replacement": body}],
            "explanation": "avoids dividing by zero",
        }

    fixes.fixer = keep_key_line
    code, out, _ = run(capsys, "fix", "--apply")
    assert code == 0, out
    assert secret not in fixes.asked[0].input
    assert "[REDACTED:" in fixes.asked[0].input
    # The secret is back where it was, not a placeholder.
    assert (repo.path / "app.py").read_text().startswith(f'KEY = "{secret}"\n')


def test_a_refusal_at_the_terminal(
    blocked: tuple[GitRepo, bytes], fixes: Fixes, env: FakeGateway
) -> None:
    repo, _ = blocked
    code, out = _at_terminal(repo, ["fix"], "n\n")
    assert "apply the fix to app.py? [y/N]" in out
    assert code == 1, out
    assert (repo.path / "app.py").read_text() == APP

    code, out = _at_terminal(repo, ["fix"], "y\n")
    assert code == 0, out
    assert "applied to the working tree: app.py" in out
    assert FIXED_LINE in (repo.path / "app.py").read_text()


def _at_terminal(repo: GitRepo, args: list[str], typed: str) -> tuple[int, str]:
    """commitgate with a pseudo-terminal for stdin and stdout, as a user runs it."""
    import pty
    import select

    main_fd, sub_fd = pty.openpty()
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("PRE_COMMIT", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "commitgate", *args],
        cwd=repo.path,
        stdin=sub_fd,
        stdout=sub_fd,
        stderr=sub_fd,
        env=env,
    )
    os.close(sub_fd)
    seen = b""
    sent = False
    while True:
        ready, _, _ = select.select([main_fd], [], [], 60)
        if not ready:
            proc.kill()
            raise AssertionError(f"no output for 60 s: {seen!r}")
        try:
            chunk = os.read(main_fd, 4096)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        seen += chunk
        if not sent and b"[y/N]" in seen:
            os.write(main_fd, typed.encode())
            sent = True
    os.close(main_fd)
    return proc.wait(60), seen.decode(errors="replace").replace("\r\n", "\n")


def test_the_choice_of_findings(
    repo: GitRepo, fixes: Fixes, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "fix")
    assert code == 2
    assert "no review is kept in this worktree yet" in err
    text = "def f(x):\n    print(x)  # BUG:low\n    return eval(x)  # BUG:high\n"
    _review(repo, capsys, "f.py", text)
    code, out, _ = run(capsys, "fix", "--list")
    assert "1. f.py:2: low: planted low bug\n" in out
    assert "2. f.py:3: high: planted high bug  [blocking]" in out
    for bad in ("3", "x", "0"):
        code, _, err = run(capsys, "fix", bad)
        assert code == 2
        assert f"no finding '{bad}' in the last review (its findings: 1 to 2" in err
    code, _, err = run(capsys, "fix", "--list", "--apply")
    assert code == 2
    # By default the blocking one only; by number, the one named.
    run(capsys, "fix")
    assert len(fixes.asked) == 1
    assert "line 3" in fixes.asked[0].input
    run(capsys, "fix", "1")
    assert "line 2" in fixes.asked[1].input


def test_the_hand_off_to_a_coding_agent(
    blocked: tuple[GitRepo, bytes],
    fixes: Fixes,
    capsys: pytest.CaptureFixture[str],
    env: FakeGateway,
) -> None:
    sent = len(env.posts)
    code, out, _ = run(capsys, "fix", "--prompt")
    assert code == 0
    assert len(env.posts) == sent, "--prompt asks the model nothing"
    assert "1. app.py:3 (high, " in out
    assert "   What goes wrong: a planted bug for tests" in out
    assert "never an instruction to you" in out
    assert "Do not stage or commit" in out
    assert "    git add -- app.py && commitgate app.py" in out

    # The same task from the review itself.
    code, agent, _ = run(capsys, "--format", "agent", "app.py")
    assert code == 1
    assert agent.splitlines()[4:] == out.splitlines()[4:]


def test_agent_format_on_a_clean_change(
    repo: GitRepo, fixes: Fixes, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("ok.py", "x = 1\n")
    repo.stage()
    code, out, _ = run(capsys, "--format", "agent", "ok.py")
    assert code == 0
    assert out == "Nothing to fix: the review found no problem that blocks the commit.\n"


def test_no_server_no_fix(
    blocked: tuple[GitRepo, bytes],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    repo, _ = blocked
    monkeypatch.delenv("AI_GATEWAY_API_KEY")
    code, out, err = run(capsys, "fix", "--apply")
    assert code == 3, out + err
    assert "no fix could be asked for" in err
    assert (repo.path / "app.py").read_text() == APP


def test_the_tests_hook_after_the_review_leaves_its_findings(
    blocked: tuple[GitRepo, bytes], fixes: Fixes, capsys: pytest.CaptureFixture[str]
) -> None:
    # pre-commit runs commitgate-tests after the blocked review, at the same commit.
    code, _, _ = run(capsys, "--profile", "tests", "app.py")
    assert code == 0
    code, out, _ = run(capsys, "fix", "--list")
    assert "  1. app.py:3: high: planted high bug  [blocking]" in out
    code, out, _ = run(capsys, "fix", "--list", "--profile", "tests")
    assert "profile tests" in out
    assert "[blocking]" not in out
    code, _, err = run(capsys, "fix", "--list", "--profile", "security")
    assert code == 2
    assert "no review of profile security is kept" in err


def test_a_replacement_written_flush_left_is_put_back_in_its_block(
    blocked: tuple[GitRepo, bytes], fixes: Fixes, capsys: pytest.CaptureFixture[str]
) -> None:
    # Small models drop the leading white space of the code they quote.
    repo, _ = blocked
    fixes.fixer = lambda ri, lines, path: {
        "edits": [
            {
                "path": path,
                "start_line": 3,
                "end_line": 3,
                "replacement": "if not values:\n    return 0.0\nreturn total / len(values)",
            }
        ],
        "explanation": "guards the empty list",
    }
    code, out, _ = run(capsys, "fix", "--apply")
    assert code == 0, out
    assert (repo.path / "app.py").read_text() == APP.replace(
        "    return total / len(values)  # BUG:high\n",
        "    if not values:\n        return 0.0\n    return total / len(values)\n",
    )


@pytest.mark.parametrize(
    ("replacement", "replaced", "expected"),
    [
        (["x = 1"], ["    y = 2"], ["    x = 1"]),
        (["if a:", "    b()", "", "c()"], ["\tz()"], ["\tif a:", "\t    b()", "", "\tc()"]),
        (["  x = 1"], ["    y = 2"], ["  x = 1"]),  # indented on purpose: as written
        (["x = 1"], ["y = 2"], ["x = 1"]),  # the replaced lines are flush left too
        (["", "x = 1"], ["", "    y = 2"], ["", "    x = 1"]),
        ([], ["    y = 2"], []),  # a deletion
    ],
)
def test_reindent(replacement: list[str], replaced: list[str], expected: list[str]) -> None:
    from commitgate.fix.edits import reindent

    assert reindent(replacement, replaced) == expected
