"""`commitgate tests --write`, end to end: the tests profile's review of a
staged change through the command line, then tests asked of the loopback
gateway, written in the project's framework and layout, or refused; written
Python tests run for real. In every case the index is byte-for-byte what it
was after staging."""

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

from commitgate.fix import testgen
from commitgate.main import main
from tests.conftest import TEST_KEY, GitRepo
from tests.fake_gateway import FakeGateway, ReviewInput, marker_reviewer
from tests.fix.fix_test import _at_terminal

Writer = Callable[[ReviewInput, str], Any]

CALC = """\
def mean(values):
    if not values:  # BUG:medium
        return 0.0
    return sum(values) / len(values)
"""

PYTEST_CODE = """\
from calc import mean


def test_mean_of_nothing_is_zero():
    assert mean([]) == 0.0
"""


def is_writing(ri: ReviewInput) -> bool:
    return ri.instructions.startswith("You write tests")


def target(ri: ReviewInput) -> tuple[str, str]:
    """The test file a request asks for, and whether it is new."""
    m = re.search(r'^write to: (".*") \((.*)\)$', ri.input, re.M)
    assert m, ri.input
    return json.loads(m.group(1)), m.group(2)


class Gateway:
    """The gateway's reviewer: test gaps on BUG markers for the review, and
    `writer`'s answer for a request for tests."""

    def __init__(self, code: str = PYTEST_CODE) -> None:
        self.writer: Writer = lambda ri, path: {
            "path": path,
            "code": code,
            "explanation": "checks the empty case",
        }
        self.asked: list[ReviewInput] = []
        self.reviews = 0

    def __call__(self, ri: ReviewInput) -> Any:
        if not is_writing(ri):
            self.reviews += 1
            answer = marker_reviewer(ri)
            for f in answer["findings"]:
                f["category"] = "test-gap"
                f["suggestion"] = "test that mean([]) returns 0.0"
            return answer
        self.asked.append(ri)
        return self.writer(ri, target(ri)[0])


@pytest.fixture
def gw(env: FakeGateway) -> Gateway:
    g = Gateway()
    env.reviewer = g
    return g


class Project:
    """A repository with committed files and a staged change; the index as
    it was after staging, which nothing may change."""

    def __init__(self, repo: GitRepo) -> None:
        self.repo = repo
        self.index: bytes | None = None

    def __call__(
        self, committed: dict[str, str], staged: dict[str, str], python: bool = True
    ) -> None:
        repo = self.repo
        for path, text in {"README": "x\n", **committed}.items():
            repo.write(path, text)
        repo.stage()
        repo.commit()
        for path, text in staged.items():
            repo.write(path, text)
        repo.stage(*staged)
        if python:
            # The project's Python is this one, which has pytest.
            venv = repo.path / ".venv" / "bin"
            venv.mkdir(parents=True)
            (venv / "python").symlink_to(sys.executable)
        self.index = self.index_now()

    def index_now(self) -> bytes:
        return (self.repo.path / ".git" / "index").read_bytes()

    def read(self, path: str) -> str:
        return (self.repo.path / path).read_text()

    def exists(self, path: str) -> bool:
        return (self.repo.path / path).exists()

    def status(self) -> str:
        return self.repo.git("status", "--porcelain", "--untracked-files=all")


@pytest.fixture
def project(repo: GitRepo) -> Iterator[Project]:
    p = Project(repo)
    yield p
    assert p.index is not None, "the test set up no project"
    assert p.index_now() == p.index, "the index changed"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


CONFTEST = "import pytest\n"
OTHER_TEST = "def test_other():\n    assert True\n"


def test_pytest_new_file_in_the_tests_folder(
    project: Project, gw: Gateway, capsys: pytest.CaptureFixture[str]
) -> None:
    project(
        {"tests/conftest.py": CONFTEST, "tests/test_other.py": OTHER_TEST},
        {"calc.py": CALC},
    )
    code, out, err = run(capsys, "tests", "--write", "--apply")
    assert code == 0, out + err
    assert "calc.py:2: medium: planted medium bug" in out
    assert (
        "tests for calc.py: tests/test_calc.py (new file; pytest, detected from "
        "tests/conftest.py)" in out
    )
    assert "checks the empty case" in out
    assert "--- /dev/null\n+++ b/tests/test_calc.py\n@@ -0,0 +1,5 @@\n+from calc import mean" in out
    assert project.read("tests/test_calc.py") == PYTEST_CODE
    assert "written to the working tree (not staged): tests/test_calc.py" in out
    assert (
        "ran tests/test_calc.py: passed (.venv/bin/python -m pytest -q tests/test_calc.py)" in out
    )
    assert "look, then stage them: git add -- tests/test_calc.py" in out
    assert re.search(r"tokens: [\d,]+ in, [\d,]+ out, 1 request", out)
    assert TEST_KEY not in out + err
    # Untracked, not staged.
    assert "?? tests/test_calc.py" in project.status()
    assert project.repo.git("diff", "--cached", "--name-only") == "calc.py\n"
    # What the model was asked: the gap, the file, the place, an example of the style.
    asked = gw.asked[0].input
    assert target(gw.asked[0]) == ("tests/test_calc.py", "a new file")
    assert "1. line 2 (medium): planted medium bug" in asked
    assert "suggested test: test that mean([]) returns 0.0" in asked
    assert '### FILE "calc.py"' in asked
    assert '### EXAMPLE TEST "tests/test_other.py"' in asked
    assert '"calc"' in asked


def test_a_written_test_that_fails_is_reported_failing(
    project: Project, gw: Gateway, capsys: pytest.CaptureFixture[str]
) -> None:
    project({"tests/conftest.py": CONFTEST, "tests/test_x.py": OTHER_TEST}, {"calc.py": CALC})
    gw.writer = lambda ri, path: {
        "path": path,
        "code": "from calc import mean\n\n\ndef test_wrong():\n    assert mean([]) == 1.0\n",
        "explanation": "expects the wrong value",
    }
    code, out, _ = run(capsys, "tests", "--write", "--apply")
    assert code == 1, out
    assert "ran tests/test_calc.py: failed" in out
    assert "1 failed" in out
    assert project.exists("tests/test_calc.py")


def test_appended_to_the_test_file_beside_the_module(
    project: Project, gw: Gateway, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = "from pkg.calc import mean\n\n\ndef test_mean():\n    assert mean([2, 4]) == 3\n"
    project(
        {"pkg/calc.py": CALC.replace("  # BUG:medium", ""), "pkg/test_calc.py": existing},
        {"pkg/calc.py": CALC},
    )
    gw.writer = lambda ri, path: {
        "path": path,
        "code": "def test_mean_of_nothing():\n    assert mean([]) == 0.0\n",
        "explanation": "the empty case",
    }
    code, out, _ = run(capsys, "tests", "--write", "--apply")
    assert code == 0, out
    assert "tests for pkg/calc.py: pkg/test_calc.py (appended; pytest" in out
    assert "--- a/pkg/test_calc.py\n+++ b/pkg/test_calc.py" in out
    assert project.read("pkg/test_calc.py") == (
        existing + "\n\ndef test_mean_of_nothing():\n    assert mean([]) == 0.0\n"
    )
    assert "ran pkg/test_calc.py: passed" in out
    assert target(gw.asked[0]) == (
        "pkg/test_calc.py",
        "an existing file, shown below: append to it",
    )
    assert '### TEST FILE "pkg/test_calc.py" (the tests are appended to it)' in gw.asked[0].input
    assert "| def test_mean():" in gw.asked[0].input
    assert " M pkg/test_calc.py" in project.status()


UNITTEST_OTHER = """\
import unittest


class OtherTest(unittest.TestCase):
    def test_other(self):
        self.assertTrue(True)
"""

UNITTEST_CODE = """\
import unittest

from calc import mean


class MeanTest(unittest.TestCase):
    def test_nothing(self):
        self.assertEqual(mean([]), 0.0)
"""


def test_unittest_detected_and_run(
    project: Project, gw: Gateway, capsys: pytest.CaptureFixture[str]
) -> None:
    project({"tests/test_other.py": UNITTEST_OTHER}, {"calc.py": CALC})
    gw.writer = lambda ri, path: {"path": path, "code": UNITTEST_CODE, "explanation": "x"}
    code, out, _ = run(capsys, "tests", "--write", "--apply")
    assert code == 0, out
    assert "tests/test_calc.py (new file; unittest, detected from tests/test_other.py)" in out
    assert "Write unittest tests for" in gw.asked[0].input
    assert project.read("tests/test_calc.py") == UNITTEST_CODE
    assert "ran tests/test_calc.py: passed (.venv/bin/python -m unittest tests.test_calc)" in out


CALC_TS = """\
export function mean(values: number[]): number {
  if (values.length === 0) return 0; // BUG:medium
  return values.reduce((a, b) => a + b, 0) / values.length;
}
"""

VITEST_CODE = """\
import { describe, expect, it } from "vitest";
import { mean } from "./calc";

describe("mean", () => {
  it("is 0 for no values", () => {
    expect(mean([])).toBe(0);
  });
});
"""


def test_vitest_from_package_json(
    project: Project, gw: Gateway, capsys: pytest.CaptureFixture[str]
) -> None:
    package = {"scripts": {"test": "vitest"}, "devDependencies": {"vitest": "^2.0.0"}}
    project({"package.json": json.dumps(package)}, {"src/calc.ts": CALC_TS})
    gw.writer = lambda ri, path: {"path": path, "code": VITEST_CODE, "explanation": "x"}
    code, out, _ = run(capsys, "tests", "--write", "--apply")
    assert code == 0, out
    assert (
        "tests for src/calc.ts: src/calc.test.ts (new file; Vitest, detected from "
        "package.json, its dependencies)" in out
    )
    assert "+++ b/src/calc.test.ts" in out
    assert '+  it("is 0 for no values", () => {' in out
    assert project.read("src/calc.test.ts") == VITEST_CODE
    # JavaScript is never run: the command is shown.
    assert "run it: npx vitest run src/calc.test.ts" in out
    assert "ran " not in out
    assert 'the code under test is at "./calc.ts"' in gw.asked[0].input


CALC_JS = """\
function mean(values) {
  if (values.length === 0) return 0; // BUG:medium
  return values.reduce((a, b) => a + b, 0) / values.length;
}
module.exports = { mean };
"""


def test_jest_from_package_json_in_the_projects_tests_folders(
    project: Project, gw: Gateway, capsys: pytest.CaptureFixture[str]
) -> None:
    package = {"scripts": {"test": "jest --coverage"}}
    other = 'test("other", () => { expect(1).toBe(1); });\n'
    project(
        {"package.json": json.dumps(package), "lib/__tests__/other.test.js": other},
        {"lib/calc.js": CALC_JS},
    )
    code_js = (
        'const { mean } = require("../calc");\n\n'
        'test("empty", () => {\n  expect(mean([])).toBe(0);\n});\n'
    )
    gw.writer = lambda ri, path: {"path": path, "code": code_js, "explanation": "x"}
    code, out, _ = run(capsys, "tests", "--write", "--apply")
    assert code == 0, out
    assert (
        "lib/__tests__/calc.test.js (new file; Jest, detected from package.json, its scripts)"
        in out
    )
    assert project.read("lib/__tests__/calc.test.js") == code_js
    assert "run it: npx jest lib/__tests__/calc.test.js" in out
    assert 'the code under test is at "../calc.js"' in gw.asked[0].input
    assert '### EXAMPLE TEST "lib/__tests__/other.test.js"' in gw.asked[0].input


def test_vitest_and_jest_without_a_test_script_that_says_which(
    project: Project, gw: Gateway, capsys: pytest.CaptureFixture[str]
) -> None:
    package = {"devDependencies": {"vitest": "1", "jest": "29"}}
    project({"package.json": json.dumps(package)}, {"src/calc.ts": CALC_TS}, python=False)
    code, out, _ = run(capsys, "tests", "--write", "--apply")
    assert code == 1, out
    assert "names both Vitest and Jest, and its test script does not say which one runs" in out
    assert not gw.asked
    assert "nothing was sent to the model" in out


CALC_GO = """\
package calc

// Mean is the average of values; 0 for none.
func Mean(values []float64) float64 {
	if len(values) == 0 { // BUG:medium
		return 0
	}
	total := 0.0
	for _, v := range values {
		total += v
	}
	return total / float64(len(values))
}
"""

GO_TEST_CODE = """\
func TestMeanOfNothing(t *testing.T) {
	if got := Mean(nil); got != 0 {
		t.Fatalf("Mean(nil) = %v, want 0", got)
	}
}"""


def test_go_test_new_file_beside_the_source(
    project: Project, gw: Gateway, capsys: pytest.CaptureFixture[str]
) -> None:
    project({"go.mod": "module example.com/calc\n\ngo 1.21\n"}, {"calc/calc.go": CALC_GO})
    gw.writer = lambda ri, path: {
        "path": path,
        "code": GO_TEST_CODE,
        "imports": ["testing"],
        "explanation": "x",
    }
    code, out, _ = run(capsys, "tests", "--write", "--apply")
    assert code == 0, out
    assert "calc/calc_test.go (new file; go test, detected from go.mod)" in out
    assert project.read("calc/calc_test.go") == (
        f'package calc\n\nimport "testing"\n\n{GO_TEST_CODE}\n'
    )
    assert "run it: go test ./calc" in out
    assert '"imports"' in json.dumps(gw.asked[0].body)
    assert "package calc, in the same folder" in gw.asked[0].input


def test_go_tests_that_need_new_imports_go_in_a_file_of_their_own(
    project: Project, gw: Gateway, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = 'package calc\n\nimport "testing"\n\nfunc TestMean(t *testing.T) {}\n'
    project(
        {
            "go.mod": "module example.com/calc\n",
            "calc.go": CALC_GO.replace(" // BUG:medium", ""),
            "calc_test.go": existing,
        },
        {"calc.go": CALC_GO},
    )
    whole = (
        'package calc\n\nimport (\n\t"math"\n\t"testing"\n)\n\n'
        "func TestMeanIsFinite(t *testing.T) {\n\tif math.IsNaN(Mean(nil)) {\n"
        '\t\tt.Fatal("NaN")\n\t}\n}\n'
    )
    gw.writer = lambda ri, path: {"path": path, "code": whole, "imports": [], "explanation": "x"}
    code, out, _ = run(capsys, "tests", "--write", "--apply")
    assert code == 0, out
    assert (
        "calc_test.go lacks imports the tests need (math): they are in a file of their own" in out
    )
    assert project.read("calc_test.go") == existing
    assert project.read("calc_gaps_test.go") == whole
    assert "--- /dev/null\n+++ b/calc_gaps_test.go" in out


def test_no_framework_is_a_refusal_that_names_the_file(
    project: Project, gw: Gateway, capsys: pytest.CaptureFixture[str]
) -> None:
    project({}, {"calc.py": CALC, "tool.rb": "def run # BUG:medium\nend\n"})
    code, out, _ = run(capsys, "tests", "--write", "--apply")
    assert code == 1, out
    assert (
        "no tests for calc.py: no test framework detected for calc.py: no existing test uses "
        "pytest or unittest" in out
    )
    assert "no tests for tool.rb: no test framework detected for tool.rb" in out
    assert not gw.asked
    assert "nothing was sent to the model" in out
    assert "?? " not in project.status().replace("?? .venv/bin/python", "")


def test_shown_and_not_written_without_apply(
    project: Project, gw: Gateway, capsys: pytest.CaptureFixture[str]
) -> None:
    project({"tests/conftest.py": CONFTEST}, {"calc.py": CALC})
    code, out, _ = run(capsys, "tests", "--write", "calc.py")
    assert code == 0, out
    assert "+++ b/tests/test_calc.py" in out
    assert "to write these to the working tree: commitgate tests --write --apply calc.py" in out
    assert not project.exists("tests/test_calc.py")
    assert "ran " not in out


def test_the_gaps_are_listed_without_write(
    project: Project, gw: Gateway, capsys: pytest.CaptureFixture[str]
) -> None:
    project({"tests/conftest.py": CONFTEST}, {"calc.py": CALC})
    code, out, _ = run(capsys, "tests")
    assert code == 0, out
    assert "calc.py:2: medium: planted medium bug" in out
    assert "fix: test that mean([]) returns 0.0" in out
    assert "to write tests for them: commitgate tests --write" in out
    assert not gw.asked
    # The same review as the commitgate-tests hook's: asked again, it is in the cache.
    reviews = gw.reviews
    code, out, _ = run(capsys, "--profile", "tests")
    assert code == 0
    assert "(all from the cache)" in out
    assert gw.reviews == reviews
    code, out, _ = run(capsys, "tests", "--write")
    assert gw.reviews == reviews
    assert len(gw.asked) == 1


def test_a_refusal_at_the_terminal(project: Project, gw: Gateway) -> None:
    project({"tests/conftest.py": CONFTEST}, {"calc.py": CALC})
    code, out = _at_terminal(project.repo, ["tests", "--write"], "n\n")
    assert "write the tests to tests/test_calc.py? [y/N]" in out
    assert code == 1, out
    assert not project.exists("tests/test_calc.py")

    code, out = _at_terminal(project.repo, ["tests", "--write", "--no-run"], "y\n")
    assert code == 0, out
    assert "written to the working tree (not staged): tests/test_calc.py" in out
    assert "not run (--no-run): python -m pytest -q tests/test_calc.py" in out
    assert project.read("tests/test_calc.py") == PYTEST_CODE


def test_a_file_changed_between_the_diff_and_the_yes(
    project: Project,
    gw: Gateway,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from commitgate.commands import fix

    existing = "from calc import mean\n\n\ndef test_mean():\n    assert mean([1]) == 1\n"
    project({"tests/conftest.py": CONFTEST, "tests/test_calc.py": existing}, {"calc.py": CALC})

    def edit_then_yes(question: str) -> bool:
        project.repo.write("tests/test_calc.py", existing + "# edited meanwhile\n")
        return True

    monkeypatch.setattr(fix, "can_ask", lambda: True)
    monkeypatch.setattr(fix, "confirm", edit_then_yes)
    code, out, _ = run(capsys, "tests", "--write")
    assert code == 1, out
    assert "not written: tests/test_calc.py changed since the diff was made" in out
    assert project.read("tests/test_calc.py") == existing + "# edited meanwhile\n"


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        (
            {"path": "tests/test_calc.py", "code": "def test_x(:\n    pass\n"},
            "tests/test_calc.py: the test does not compile (",
        ),
        (
            {"path": "conftest.py", "code": "import os\n"},
            "the answer writes conftest.py, not tests/test_calc.py: not written",
        ),
        (
            {"path": "tests/test_calc.py", "code": "", "explanation": "cannot"},
            "the model wrote no test: cannot",
        ),
        ("Here are some tests.", "no tests: "),
    ],
    ids=["does-not-compile", "another-file", "no-code", "prose"],
)
def test_an_answer_that_is_refused(
    project: Project,
    gw: Gateway,
    capsys: pytest.CaptureFixture[str],
    answer: Any,
    why: str,
) -> None:
    project({"tests/conftest.py": CONFTEST}, {"calc.py": CALC})
    gw.writer = lambda ri, path: answer
    code, out, _ = run(capsys, "tests", "--write", "--apply")
    assert code == 1, out
    assert f"no tests for calc.py: {why}" in out
    assert not project.exists("tests/test_calc.py")
    assert not project.exists("conftest.py")


def test_a_test_file_that_is_a_symbolic_link_is_not_written_through(
    project: Project, gw: Gateway, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text("# not the repository's\n")
    project({"conftest.py": CONFTEST}, {"pkg/calc.py": CALC})
    (project.repo.path / "pkg" / "test_calc.py").symlink_to(outside)
    code, out, _ = run(capsys, "tests", "--write", "--apply")
    assert code == 1, out
    assert "no tests for pkg/calc.py: pkg/test_calc.py: symbolic link: not written" in out
    assert not gw.asked
    assert outside.read_text() == "# not the repository's\n"


def test_a_secret_in_the_source_is_not_sent(
    project: Project, gw: Gateway, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    project({"tests/conftest.py": CONFTEST}, {"calc.py": f'TOKEN = "{secret}"\n\n\n' + CALC})
    code, out, _ = run(capsys, "tests", "--write", "--apply", "--no-run")
    assert code == 0, out
    assert secret not in gw.asked[0].input
    assert '5 TOKEN = "[REDACTED:' not in gw.asked[0].input  # numbered from 1
    assert '1 TOKEN = "[REDACTED:github-token]"' in gw.asked[0].input


def test_a_placeholder_in_the_test_is_refused(
    project: Project, gw: Gateway, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    project({"tests/conftest.py": CONFTEST}, {"calc.py": f'TOKEN = "{secret}"\n' + CALC})
    gw.writer = lambda ri, path: {
        "path": path,
        "code": (
            "from calc import TOKEN\n\n\n"
            'def test_t():\n    assert TOKEN == "[REDACTED:github-token]"\n'
        ),
        "explanation": "x",
    }
    code, out, _ = run(capsys, "tests", "--write", "--apply")
    assert code == 1, out
    assert "the test holds a redacted placeholder" in out
    assert not project.exists("tests/test_calc.py")


def test_pytest_not_installed_for_the_projects_python(
    project: Project, gw: Gateway, capsys: pytest.CaptureFixture[str]
) -> None:
    project({"tests/conftest.py": CONFTEST}, {"calc.py": CALC}, python=False)
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(project.repo.path / ".venv")],
        check=True,
    )
    code, out, _ = run(capsys, "tests", "--write", "--apply")
    assert code == 0, out
    assert "ran tests/test_calc.py: not run: pytest is not installed for .venv/bin/python" in out
    assert project.read("tests/test_calc.py") == PYTEST_CODE


def test_a_run_that_takes_too_long_is_stopped(
    project: Project,
    gw: Gateway,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project({"tests/conftest.py": CONFTEST}, {"calc.py": CALC})
    gw.writer = lambda ri, path: {
        "path": path,
        "code": "import time\n\n\ndef test_slow():\n    time.sleep(60)\n",
        "explanation": "x",
    }
    monkeypatch.setattr(testgen, "RUN_TIMEOUT", 3)
    code, out, _ = run(capsys, "tests", "--write", "--apply")
    assert code == 1, out
    assert "ran tests/test_calc.py: failed" in out
    assert "did not finish within 3 s" in out


def test_the_credential_is_not_passed_to_the_tests(
    project: Project, gw: Gateway, capsys: pytest.CaptureFixture[str]
) -> None:
    project({"tests/conftest.py": CONFTEST}, {"calc.py": CALC})
    gw.writer = lambda ri, path: {
        "path": path,
        "code": (
            'import os\n\n\ndef test_env():\n    assert "AI_GATEWAY_API_KEY" not in os.environ\n'
        ),
        "explanation": "x",
    }
    assert os.environ["AI_GATEWAY_API_KEY"] == TEST_KEY
    code, out, _ = run(capsys, "tests", "--write", "--apply")
    assert code == 0, out
    assert "ran tests/test_calc.py: passed" in out


def test_bad_input_and_no_model(
    project: Project,
    gw: Gateway,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project({"tests/conftest.py": CONFTEST}, {"calc.py": CALC})
    code, _, err = run(capsys, "tests", "--apply")
    assert code == 2
    assert err.strip() == (
        "commitgate: error: --apply goes with --write: commitgate tests --write --apply"
    )
    code, _, err = run(capsys, "tests", "--nope")
    assert code == 2
    assert "see `commitgate tests --help`" in err
    monkeypatch.delenv("AI_GATEWAY_API_KEY")
    code, out, err = run(capsys, "tests", "--write", "--apply")
    assert code == 3, out + err
    assert "no tests written: the change was not reviewed" in err
    assert not project.exists("tests/test_calc.py")


# ---- where the tests go, detected from the repository alone ------------------------


def _place(repo: GitRepo, files: dict[str, str], source: str, taken: set[str] | None = None) -> Any:
    from commitgate import git

    for path, text in files.items():
        repo.write(path, text)
    repo.stage()
    project = testgen.Project(git.find_repo(str(repo.path)))
    lines = files.get(source, "").splitlines()
    return testgen.place(project, source, lines, set() if taken is None else taken)


def test_a_tests_folder_that_mirrors_the_package(repo: GitRepo) -> None:
    files = {
        "pyproject.toml": "[tool.pytest.ini_options]\naddopts = '-q'\n",
        "src/app/db/query.py": "x = 1\n",
        "tests/db/other_test.py": "import app\n",
        "tests/web/view_test.py": "import app\n",
    }
    where = _place(repo, files, "src/app/db/query.py")
    assert (where.framework, where.detected) == ("pytest", "pyproject.toml")
    # The project names its tests foo_test.py, in tests/<package folder>/.
    assert (where.path, where.exists) == ("tests/db/query_test.py", False)
    assert '"app.db.query"' in where.hint


def test_pytest_as_a_dependency_and_a_name_taken_twice(repo: GitRepo) -> None:
    files = {
        "requirements-dev.txt": "pytest>=8\n",
        "a/util.py": "x = 1\n",
        "b/util.py": "y = 1\n",
        "tests/test_main.py": "import unittest\n\nclass T(unittest.TestCase):\n    pass\n",
    }
    first = _place(repo, files, "a/util.py")
    assert (first.framework, first.detected) == ("pytest", "requirements-dev.txt")
    assert first.path == "tests/test_util.py"
    second = _place(repo, files, "b/util.py", {first.path})
    assert second.path == "tests/test_b_util.py"


def test_a_namesakes_test_is_not_taken_for_its_own(repo: GitRepo) -> None:
    files = {
        "conftest.py": "",
        "a/util.py": "x = 1\n",
        "b/util.py": "y = 1\n",
        "a/test_util.py": "def test_a():\n    pass\n",
    }
    assert _place(repo, files, "a/util.py").path == "a/test_util.py"
    assert _place(repo, files, "a/util.py").exists
    where = _place(repo, files, "b/util.py")
    assert (where.path, where.exists) == ("b/test_util.py", False)


def test_jest_spec_files_and_an_existing_one_to_append_to(repo: GitRepo) -> None:
    files = {
        "web/package.json": json.dumps({"jest": {}, "devDependencies": {"typescript": "5"}}),
        "web/src/a.spec.ts": "",
        "web/src/b.spec.ts": "",
        "web/src/c.ts": "export const c = 1;\n",
        "web/src/a.ts": "export const a = 1;\n",
    }
    where = _place(repo, files, "web/src/c.ts")
    assert (where.framework, where.detected) == ("Jest", 'web/package.json, its "jest" settings')
    assert (where.path, where.exists) == ("web/src/c.spec.ts", False)
    assert _place(repo, files, "web/src/a.ts")[3:5] == ("web/src/a.spec.ts", True)


def test_the_test_script_decides_between_vitest_and_jest(repo: GitRepo) -> None:
    package = {"scripts": {"test": "vitest run"}, "devDependencies": {"vitest": "1", "jest": "29"}}
    where = _place(repo, {"package.json": json.dumps(package), "x.js": ""}, "x.js")
    assert where.framework == "Vitest"
    assert where.path == "x.test.js"


@pytest.mark.parametrize(
    ("files", "source", "why"),
    [
        ({"x.ts": ""}, "x.ts", "no test framework detected for x.ts: no package.json"),
        ({"package.json": "{", "x.ts": ""}, "x.ts", "x.ts: package.json is not valid JSON"),
        ({"package.json": "{}", "x.ts": ""}, "x.ts", "package.json names neither Vitest nor Jest"),
        (
            {"package.json": '{"devDependencies": {"eslint-plugin-jest": "28"}}', "x.js": ""},
            "x.js",
            "package.json names neither Vitest nor Jest",
        ),
        ({"x.go": "package x\n"}, "x.go", "no test framework detected for x.go: no go.mod"),
        ({"go.mod": "module m\n", "x.go": "// no clause\n"}, "x.go", "x.go: no package clause"),
        ({"lib.rs": ""}, "lib.rs", "no test framework detected for lib.rs"),
    ],
)
def test_nothing_detected_is_refused(
    repo: GitRepo, files: dict[str, str], source: str, why: str
) -> None:
    from commitgate.fix.edits import Refused

    with pytest.raises(Refused, match=re.escape(why)):
        _place(repo, files, source)


def test_go_code_written_as_a_whole_file_is_split() -> None:
    imports, body = testgen._split_go(
        'package calc\n\nimport (\n\t"testing"\n\tm "math"\n)\n\nfunc TestX(t *testing.T) {}\n',
        ['"strings"', "os"],
    )
    assert imports == [("m", "math"), ("", "os"), ("", "strings"), ("", "testing")]
    assert body == "func TestX(t *testing.T) {}"
    assert testgen._go_file("calc", imports[:1], body) == (
        'package calc\n\nimport m "math"\n\nfunc TestX(t *testing.T) {}'
    )


def test_two_modules_whose_tests_go_in_one_file_are_written_one_at_a_time(
    project: Project, gw: Gateway, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = "def test_util():\n    assert True\n"
    project(
        {"conftest.py": "", "tests/x/test_util.py": existing},
        {"a/x/util.py": CALC, "b/x/util.py": CALC},
    )
    gw.writer = lambda ri, path: {"path": path, "code": "def test_more():\n    pass\n"}
    code, out, _ = run(capsys, "tests", "--write", "--apply", "--no-run")
    assert code == 1, out
    assert (
        "no tests for b/x/util.py: tests/x/test_util.py is where the tests of a/x/util.py go "
        "too: write them one at a time (commitgate tests --write b/x/util.py)" in out
    )
    assert len(gw.asked) == 1
    assert project.read("tests/x/test_util.py") == existing + "\n\ndef test_more():\n    pass\n"
