"""The compatibility matrix against real servers: llama.cpp's llama-server
and llama-cpp-python's server, each started on loopback with a small real
model (Gemma 3 270M, from PyPI). It is a poor reviewer, and that is not what
is tested: whether commitgate and the server understand each other is.

Set up once (built and cached outside the clone, about 6 minutes cold):

    .venv/bin/python -m tests.realserver.servers setup --model gemma-3-270m

Run alone: `.venv/bin/python -m pytest -m realserver`. `.ci/run` sets up and
runs it with the rest; `-m "not realserver"` leaves it out.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from commitgate.main import main
from commitgate.model import server as server_profile
from tests.conftest import GitRepo
from tests.realserver import servers

pytestmark = pytest.mark.realserver

MODEL = "gemma-3-270m"
BEFORE = "import sqlite3\n\n\ndef find(conn, name):\n    cur = conn.cursor()\n"
QUERY = "    cur.execute('SELECT * FROM users WHERE name = ?', (name,))\n"
INJECTED = "    cur.execute(f\"SELECT * FROM users WHERE name = '{name}'\")\n"
# Settings for a small local server, as the README gives them; answers kept short.
LOCAL = {"deadline": "600", "timeout": "300", "verify": "false", "max-output-tokens": "512"}


@pytest.fixture(scope="module")
def llama_server() -> Iterator[str]:
    with servers.start_llama_server(MODEL, ctx=4096, parallel=1) as url:
        yield url


@pytest.fixture(scope="module")
def llama_cpp_python() -> Iterator[str]:
    # The server's own default: a new request cuts the stream in progress.
    with servers.start_llama_cpp_python(MODEL, ctx=4096, interrupt_requests=True) as url:
        yield url


@pytest.fixture(scope="module")
def small_llama_cpp_python() -> Iterator[str]:
    """A context of 2,048 tokens, which it tells only when a prompt is too large."""
    with servers.start_llama_cpp_python(MODEL, ctx=2048) as url:
        yield url


def functions(n: int, name: str = "f") -> str:
    return "".join(f"def {name}{i}(x):\n    return x + {i}\n\n" for i in range(n))


@pytest.fixture
def change(repo: GitRepo) -> GitRepo:
    repo.write("db.py", BEFORE + QUERY + "    return cur.fetchall()\n")
    repo.stage()
    repo.commit()
    repo.write("db.py", BEFORE + INJECTED + "    return cur.fetchall()\n")
    repo.stage()
    return repo


def review(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    url: str,
    repo: GitRepo,
    settings: str = "",
    *args: str,
) -> tuple[int, dict[str, Any]]:
    monkeypatch.setenv("COMMITGATE_BASE_URL", url)
    given = dict(line.split(" = ", 1) for line in settings.splitlines() if line)
    text = "".join(f"{k} = {v}\n" for k, v in {**LOCAL, **given}.items())
    (repo.path.parent / "settings.toml").write_text(text)
    code = main(["--format", "json", "--config", str(repo.path.parent / "settings.toml"), *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "internal error" not in err, err
    assert out, err
    doc: dict[str, Any] = json.loads(out)
    return code, doc


def profile(repo: GitRepo) -> dict[str, Any]:
    data: dict[str, dict[str, Any]] = json.loads(
        (repo.path / ".git" / server_profile.FILE).read_text()
    )
    [entry] = data.values()
    return entry


def reviewed_or_said_why(doc: dict[str, Any]) -> None:
    """The review was had; or, with this weak model, its answer ran out of
    tokens. Never a protocol failure: a refused request, an unknown
    endpoint, an answer the wire could not read."""
    if doc["reviewed"]:
        return
    assert "cut short" in doc["reason"] or "unusable answer" in doc["reason"], doc["reason"]
    for wrong in ("HTTP 4", "HTTP 5", "refused", "lost the connection", "not JSON"):
        assert wrong not in doc["reason"], doc["reason"]


# ---- llama-server -------------------------------------------------------------


@pytest.mark.parametrize("stream", ["true", "false"])
def test_llama_server_chat(
    llama_server: str,
    change: GitRepo,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    stream: str,
) -> None:
    code, doc = review(capsys, monkeypatch, llama_server, change, f"stream = {stream}\n")
    assert code in (0, 1)
    reviewed_or_said_why(doc)
    # Found out: chat completions (its /v1/responses ignores the format),
    # the context of a slot, one slot.
    entry = profile(change)
    assert (entry["api"], entry["window"], entry["slots"]) == ("chat", 4096, 1)
    # It reports usage, and the model it served.
    assert doc["usage"]["estimated_usage"] == 0 and doc["usage"]["input_tokens"] > 300
    assert doc["served_by"]["openai/gpt-5.1-codex-mini"].endswith(".gguf")
    assert doc["usage"]["cost_usd"] is None  # no made-up dollars


@pytest.mark.parametrize("form", server_profile.FORMS)
def test_llama_server_takes_each_answer_format(
    llama_server: str,
    change: GitRepo,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    form: str,
) -> None:
    key = llama_server.rstrip("/")
    common = str(change.path / ".git")
    known = server_profile.Profile(api="chat", form=form, window=4096, slots=1)
    server_profile.save(common, key, known._replace(checked_at=time.time()))
    code, doc = review(capsys, monkeypatch, llama_server, change)
    assert code in (0, 1)
    reviewed_or_said_why(doc)
    assert not any("refused the answer format" in n for n in doc["notes"])


def test_llama_server_responses_api_when_asked_for(
    llama_server: str,
    change: GitRepo,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Its /v1/responses answers, and ignores the answer format: when that
    makes the answer unreadable, the message says which setting to change."""
    code, doc = review(capsys, monkeypatch, llama_server, change, 'api = "responses"\n')
    assert code in (0, 1, 3)
    if not doc["reviewed"]:
        assert (
            'may ignore the answer format of the Responses API: set api = "chat"' in (doc["reason"])
        )


def test_llama_server_splits_a_large_change_to_fit(
    llama_server: str,
    repo: GitRepo,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    repo.write("big.py", functions(120))  # about 4,500 of its tokens
    repo.stage()
    _, doc = review(capsys, monkeypatch, llama_server, repo, "max-output-tokens = 256\n")
    assert doc["usage"]["attempts"] >= 2  # split, to fit 4,096 tokens a request
    assert "exceeds the available context" not in (doc["reason"] or "")


# ---- llama-cpp-python ---------------------------------------------------------


@pytest.mark.parametrize("stream", ["true", "false"])
def test_llama_cpp_python_chat(
    llama_cpp_python: str,
    change: GitRepo,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    stream: str,
) -> None:
    code, doc = review(capsys, monkeypatch, llama_cpp_python, change, f"stream = {stream}\n")
    assert code in (0, 1)
    reviewed_or_said_why(doc)
    # It refuses json_schema (HTTP 500), takes json_object with the schema.
    assert profile(change)["form"] == "json_object_schema"
    if stream == "true":
        # Its streams carry no usage: estimated, and said.
        assert doc["usage"]["estimated_usage"] >= 1 and doc["usage"]["input_tokens"] > 300
    # Once found, remembered: the next run asks in that form at once.
    code, again = review(capsys, monkeypatch, llama_cpp_python, change, "", "--no-cache")
    assert again["usage"]["attempts"] == again["usage"]["requests"]
    assert not any("refused" in n for n in again["notes"])


def test_llama_cpp_python_has_no_responses_api(
    llama_cpp_python: str,
    change: GitRepo,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, doc = review(capsys, monkeypatch, llama_cpp_python, change, 'api = "responses"\n')
    assert code in (0, 1)
    reviewed_or_said_why(doc)
    assert any("switched to chat completions" in n for n in doc["notes"])


def test_llama_cpp_python_context_overflow_is_split_again(
    small_llama_cpp_python: str,
    repo: GitRepo,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """It says its context size only when a prompt is too large."""
    repo.write("big.py", functions(90))
    repo.stage()
    url = small_llama_cpp_python
    # Split small to fit, the parts take long on this server: what is
    # tested is the split, not the whole review (the deadline ends it).
    settings = "max-output-tokens = 256\ndeadline = 45\n"
    code, doc = review(capsys, monkeypatch, url, repo, settings)
    assert any("holds 2,048 tokens a request" in n for n in doc["notes"]), doc["notes"]
    assert profile(repo)["window"] == 2048
    assert code in (0, 1, 3)


def test_llama_cpp_python_cut_streams_lower_the_concurrency(
    llama_cpp_python: str,
    repo: GitRepo,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Three at once, each new one cutting the stream before it: no storm."""
    for n in range(3):
        repo.write(f"m{n}.py", functions(30, f"g{n}_"))
    repo.stage()
    # Its answer format known already: what extra attempts there are, are cuts.
    known = server_profile.Profile(api="chat", form="json_object_schema", checked_at=time.time())
    server_profile.save(str(repo.path / ".git"), llama_cpp_python.rstrip("/"), known)
    settings = "max-concurrency = 4\nmax-request-tokens = 2000\nmax-output-tokens = 256\n"
    _, doc = review(capsys, monkeypatch, llama_cpp_python, repo, settings)
    # A cut or two before the concurrency drops, then one at a time.
    assert doc["usage"]["attempts"] - doc["usage"]["requests"] <= 6, doc["usage"]
    if doc["usage"]["attempts"] > doc["usage"]["requests"]:
        assert any("cut a stream while" in n for n in doc["notes"]), doc["notes"]
        assert profile(repo)["slots"] < 4
