"""The fault table: every way the model service can fail, through the real
command line, in a real repository, against the loopback gateway.

Each row runs under on-error = "fail" and "warn", in the text and the JSON
format. The staged change plants a high-severity bug, so a review that
really happened blocks (exit 1): a fault can never pass the commit by
looking like an empty review. Every run must leave the index and the
working tree byte for byte as they were.
"""

from __future__ import annotations

import dataclasses
import email.utils
import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from commitgate.main import main
from tests.conftest import GitRepo, user_config
from tests.fake_gateway import (
    CHAT_ONLY_RESPONSES_MESSAGE,
    Answer,
    CutStream,
    Drop,
    Failed,
    FakeGateway,
    Fault,
    Incomplete,
    SlowHeaders,
    Status,
    marker_reviewer,
)

SECRET = "sk-test-9f8e7d6c5b4a-SECRET"
MODEL = "openai/gpt-5.1-codex-mini"
# Short waits so that the table runs in seconds; a row that needs a short
# read timeout sets its own (a loaded machine must not time out the others).
FAST = {
    "retries": "2",
    "retry-backoff": "0.01",
    "timeout": "10",
    "deadline": "20",
    # Each row is about the review's own request: no second opinion, and
    # no cache, so that the text and the JSON run each ask the server.
    "verify": "false",
    "cache": "false",
}

RECOVERED, UNAVAILABLE, PASSED = "recovered", "unavailable", "passed"


def finding(**kw: Any) -> str:
    base = {"path": "app.py", "line": 2, "severity": "high", "title": "t", "message": "m"}
    base.update(kw)
    return json.dumps({"findings": [base]})


def http_date(seconds_from_now: float) -> str:
    return email.utils.formatdate(time.time() + seconds_from_now, usegmt=True)


@dataclasses.dataclass(frozen=True)
class Row:
    name: str
    faults: tuple[Fault, ...]
    requests: int  # model requests the run makes
    result: str  # RECOVERED: reviewed (the planted bug blocks); UNAVAILABLE; PASSED
    words: tuple[str, ...] = ()  # in the text report, and in the JSON reason if any
    config: str = ""
    variable: str = "AI_GATEWAY_API_KEY"


WIRES = {
    "responses-stream": "",
    "responses-whole": "stream = false\n",
    "chat-stream": 'api = "chat"\n',
    "chat-whole": 'api = "chat"\nstream = false\n',
}

ROWS = [
    # -- 429
    Row("429 once", (Status(429),), 2, RECOVERED),
    Row("429 Retry-After seconds", (Status(429, headers={"Retry-After": "0"}),), 2, RECOVERED),
    Row(
        "429 Retry-After date", (Status(429, headers={"Retry-After": http_date(0)}),), 2, RECOVERED
    ),
    Row(
        "429 always",
        (Status(429, message="slow down"),) * 3,
        3,
        UNAVAILABLE,
        ("127.0.0.1 is rate-limiting requests (HTTP 429): slow down", "; gave up after 3 attempts"),
    ),
    Row(
        "429 Retry-After past the deadline",
        (Status(429, headers={"Retry-After": "3600"}),),
        1,
        UNAVAILABLE,
        ("HTTP 429", "asked to wait 3600s, past the 20s review deadline"),
    ),
    Row(
        "429 Retry-After date past the deadline",
        (Status(429, headers={"Retry-After": http_date(7200)}),),
        1,
        UNAVAILABLE,
        ("HTTP 429", "asked to wait", "past the 20s review deadline"),
    ),
    # -- 5xx
    Row(
        "500 always",
        (Status(500),) * 3,
        3,
        UNAVAILABLE,
        ("127.0.0.1 had a server error (HTTP 500)", "; gave up after 3 attempts"),
    ),
    Row("502 once", (Status(502),), 2, RECOVERED),
    Row("503 twice then success", (Status(503), Status(503)), 3, RECOVERED),
    Row("504 once", (Status(504),), 2, RECOVERED),
    Row(
        "503 more often than retries allow",
        (Status(503),) * 2,
        2,
        UNAVAILABLE,
        ("HTTP 503", "; gave up after 2 attempts"),
        config="retries = 1\n",
    ),
    # -- the connection
    Row("connection dropped once", (Drop(),), 2, RECOVERED),
    Row(
        "connection dropped always",
        (Drop(),) * 3,
        3,
        UNAVAILABLE,
        ("lost the connection to 127.0.0.1", "; gave up after 3 attempts"),
    ),
    Row(
        "headers slower than the read timeout, once",
        (SlowHeaders(3),),
        2,
        RECOVERED,
        config="timeout = 0.5\n",
    ),
    Row(
        "headers slower than the read timeout, always",
        (SlowHeaders(3),),
        1,
        UNAVAILABLE,
        ("127.0.0.1 sent nothing for 0.3s (timeout = 0.3)",),
        config="timeout = 0.3\nretries = 0\n",
    ),
    # -- answers that cannot be used
    *(
        Row(f"stream cut half-way once, {wire}", (CutStream(3),), 2, RECOVERED, config=cfg)
        for wire, cfg in WIRES.items()
    ),
    *(
        Row(
            f"stream cut half-way always, {wire}",
            (CutStream(3),) * 3,
            3,
            UNAVAILABLE,
            ("lost the connection to 127.0.0.1", "; gave up after 3 attempts"),
            config=cfg,
        )
        for wire, cfg in WIRES.items()
    ),
    Row(
        "stream ends cleanly without its completion event, responses",
        (CutStream(5, clean=True),) * 3,
        3,
        UNAVAILABLE,
        ("the answer stream ended before its completion event", "; gave up after 3 attempts"),
    ),
    Row(
        "stream ends cleanly without its last chunk, chat",
        (CutStream(3, clean=True),) * 3,
        3,
        UNAVAILABLE,
        ("the answer stream ended before its last chunk", "; gave up after 3 attempts"),
        config=WIRES["chat-stream"],
    ),
    Row(
        "the model fails mid-stream",
        (Failed("overloaded"),) * 3,
        3,
        UNAVAILABLE,
        ("overloaded",),
    ),
    *(
        Row(
            f"malformed JSON twice, {wire}",
            (Answer('{"findings": [{"path": "app.py",'),) * 2,
            2,
            UNAVAILABLE,
            (f"unusable answer from {MODEL}, twice", "not JSON"),
            config=cfg,
        )
        for wire, cfg in WIRES.items()
    ),
    *(
        Row(
            f"malformed JSON once, {wire}", (Answer("Looks good to me!"),), 2, RECOVERED, config=cfg
        )
        for wire, cfg in WIRES.items()
    ),
    Row(
        "JSON in a Markdown fence is repaired",
        (Answer(f"```json\n{finding()}\n```"),),
        1,
        RECOVERED,
    ),
    Row(
        "empty answer twice",
        (Answer(""), Answer("  \n")),
        2,
        UNAVAILABLE,
        (f"unusable answer from {MODEL}, twice", "the answer is empty"),
    ),
    Row(
        "answer cut by the output limit twice",
        (Incomplete(), Incomplete()),
        2,
        UNAVAILABLE,
        ("cut short (max_output_tokens)",),
    ),
    *(
        Row(
            f"JSON that breaks the schema, {wire}",
            (Answer('{"verdict": "fine"}'),) * 2,
            2,
            UNAVAILABLE,
            (f"unusable answer from {MODEL}, twice", 'not an object with a "findings" list'),
            config=cfg,
        )
        for wire, cfg in WIRES.items()
    ),
    # A malformed finding in a well-formed answer is dropped and counted.
    Row(
        "a finding with an unknown severity",
        (Answer(finding(severity="catastrophic")),),
        1,
        PASSED,
        ("findings: none; dropped 1: 1 unknown severity",),
    ),
    Row(
        "a finding whose line is not a number",
        (Answer(finding(line="two")),),
        1,
        PASSED,
        ("findings: none; dropped 1: 1 line not a whole number",),
    ),
    Row(
        "a finding for a file not in the change",
        (Answer(finding(path="ghost.py")),),
        1,
        PASSED,
        ("findings: none; dropped 1: 1 path not in the change",),
    ),
    Row(
        "a finding on an unchanged line",
        (Answer(finding(line=1)),),
        1,
        PASSED,
        ("app.py:1: high: t", "does not block: not on a line this change touched"),
    ),
    *(
        Row(
            f"a 10 MB answer, {wire}",
            (Answer(json.dumps({"findings": [], "pad": "x" * (10 * 1024 * 1024)})),),
            1,
            UNAVAILABLE,
            ("unusable answer from 127.0.0.1", "larger than 4 MB"),
            config=cfg,
        )
        for wire, cfg in (("stream", ""), ("whole", "stream = false\n"))
    ),
    # -- answers that say what the user must do
    Row(
        "400",
        (Status(400, message="bad field"),),
        1,
        UNAVAILABLE,
        (f"127.0.0.1 rejected the request for {MODEL}", "bad field", "AI_GATEWAY_API_KEY"),
    ),
    Row(
        "400 no providers under zero data retention",
        (Status(400, error_type="no_providers_available", message="No providers available"),),
        1,
        UNAVAILABLE,
        (MODEL, "127.0.0.1", "zero data retention", "no_providers_available"),
    ),
    Row(
        "401 API key",
        (Status(401, message="Invalid API key"),),
        1,
        UNAVAILABLE,
        (
            f"127.0.0.1 did not accept the credential in AI_GATEWAY_API_KEY for {MODEL} (HTTP 401)",
            "AI Gateway > API Keys",
        ),
    ),
    Row(
        "401 OIDC token",
        (Status(401, message="Token expired"),),
        1,
        UNAVAILABLE,
        (
            f"127.0.0.1 did not accept the credential in VERCEL_OIDC_TOKEN for {MODEL} (HTTP 401)",
            "vercel env pull",
        ),
        variable="VERCEL_OIDC_TOKEN",
    ),
    Row(
        "402",
        (Status(402),),
        1,
        UNAVAILABLE,
        ("lack of funds", MODEL, "127.0.0.1", "AI_GATEWAY_API_KEY"),
    ),
    Row(
        "403",
        (Status(403),),
        1,
        UNAVAILABLE,
        (f"127.0.0.1 refused access to {MODEL}", "AI_GATEWAY_API_KEY"),
    ),
    Row(
        "404",
        (Status(404),),
        1,
        UNAVAILABLE,
        (f"127.0.0.1 does not know model '{MODEL}'", "AI_GATEWAY_API_KEY", "base-url"),
    ),
]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository every row starts from, made once: the table has over a
    hundred cases, and copying a folder is much faster than running git."""
    path = tmp_path_factory.mktemp("template") / "repo"
    path.mkdir()
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
    }

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=path, env=env, check=True, capture_output=True)

    git("init", "-q")
    (path / "app.py").write_bytes(b"def f(x):\n    return x\n")
    git("add", "app.py")
    git("commit", "-q", "-m", "first")
    (path / "app.py").write_bytes(b"def f(x):\n    y = x + 1  # BUG:high\n    return y\n")
    git("add", "app.py")
    return path


@pytest.fixture
def staged(
    template: Path,
    tmp_path: Path,
    gateway: FakeGateway,
    monkeypatch: pytest.MonkeyPatch,
) -> GitRepo:
    """A repository with app.py changed and staged, a BUG:high on line 2."""
    path = tmp_path / "repo"
    shutil.copytree(template, path, symlinks=True)
    monkeypatch.chdir(path)
    monkeypatch.setenv("COMMITGATE_BASE_URL", gateway.base_url)
    gateway.reviewer = marker_reviewer
    return GitRepo(path)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def configure(repo: GitRepo, policy: str, extra: str = "") -> None:
    """Settings outside the repository, so that they are not part of what is
    checked; `extra` lines (`key = value`) replace the fast defaults."""
    settings = {**FAST, "on-error": f'"{policy}"'}
    for line in extra.splitlines():
        key, _, value = line.partition(" = ")
        settings[key] = value
    text = "".join(f"{k} = {v}\n" for k, v in settings.items())
    (repo.path.parent / "commitgate.toml").write_text(text)


def expected_exit(result: str, policy: str) -> int:
    if result == RECOVERED:
        return 1
    if result == UNAVAILABLE and policy == "fail":
        return 3
    return 0


@pytest.mark.parametrize("policy", ["fail", "warn"])
@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_fault(
    staged: GitRepo,
    gateway: FakeGateway,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    row: Row,
    policy: str,
) -> None:
    monkeypatch.setenv(row.variable, SECRET)
    configure(staged, policy, row.config)
    config = str(staged.path.parent / "commitgate.toml")
    before = staged.snapshot()
    code = expected_exit(row.result, policy)
    for fmt in ("text", "json"):
        gateway.requests.clear()
        gateway.faults[:] = list(row.faults)
        got, out, err = run(capsys, "--config", config, "--format", fmt)
        assert got == code, out + err
        assert len(gateway.posts) == row.requests, out
        assert gateway.faults == []
        assert SECRET not in out + err
        assert "Traceback" not in out + err
        assert staged.snapshot() == before
        if fmt == "text":
            _check_text(out, row, policy)
        else:
            _check_json(json.loads(out), row, policy, code)
    assert gateway.errors == []


def _check_text(out: str, row: Row, policy: str) -> None:
    for words in row.words:
        assert words in out
    if row.result == RECOVERED:
        assert "app.py:2: high: " in out
        assert "commitgate: BLOCKED: 1 high finding" in out
    elif row.result == PASSED:
        assert "commitgate: passed" in out
    else:
        assert "commitgate: the change was NOT reviewed" in out
        assert ("letting the commit through because on-error = warn" in out) == (policy == "warn")
        assert "reviewed:" not in out.replace("NOT reviewed", "").replace("not reviewed", "")


def _check_json(doc: dict[str, Any], row: Row, policy: str, code: int) -> None:
    assert doc["exit_code"] == code
    assert doc["decision"]["on_error"] == policy
    if row.result == UNAVAILABLE:
        assert doc["reviewed"] is False
        assert doc["status"] == ("error" if policy == "fail" else "unreviewed")
        assert doc["files"] == []
        assert [nr["path"] for nr in doc["not_reviewed"]] == ["app.py"]
        for words in row.words:
            assert words in doc["reason"]
            assert words in doc["not_reviewed"][0]["reason"]
    else:
        assert doc["reviewed"] is True and doc["reason"] is None
        assert doc["status"] == ("blocked" if row.result == RECOVERED else "passed")
        assert doc["files"] == ["app.py"] and doc["not_reviewed"] == []


def test_switches_to_the_responses_api_once(
    staged: GitRepo,
    gateway: FakeGateway,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AI_GATEWAY_API_KEY", SECRET)
    gateway.chat_unsupported_models = {MODEL}
    configure(staged, "fail", 'api = "chat"\n')
    code, out, _ = run(capsys, "--config", str(staged.path.parent / "commitgate.toml"))
    assert code == 1
    assert [r.path for r in gateway.posts] == ["/v1/chat/completions", "/v1/responses"]
    assert "note: openai/gpt-5.1-codex-mini is only served on the Responses API" in out
    assert CHAT_ONLY_RESPONSES_MESSAGE not in out


@pytest.mark.parametrize(
    "fault",
    [
        Status(401, message=f"Invalid key {SECRET}"),
        Status(500, body=f"upstream said: Bearer {SECRET}"),
        Status(400, body={"error": SECRET}),
        Failed(f"echo {SECRET}"),
        Failed(f"echo {SECRET}", event="error"),
        Answer(f"not JSON {SECRET}"),
    ],
    ids=["401", "500-text", "400-string", "failed-event", "error-event", "answer"],
)
def test_the_credential_never_appears(
    staged: GitRepo,
    gateway: FakeGateway,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    fault: Fault,
) -> None:
    monkeypatch.setenv("AI_GATEWAY_API_KEY", SECRET)
    configure(staged, "fail", "retries = 0\n")
    config = str(staged.path.parent / "commitgate.toml")
    for fmt in ("text", "json"):
        gateway.faults[:] = [fault, fault]
        code, out, err = run(capsys, "--config", config, "--format", fmt)
        assert code == 3
        assert SECRET not in out + err
        assert SECRET[:12] not in out + err


@pytest.mark.parametrize("token", ["sk-abc\ndef", "sk-abc def", "sk-ab\u00e9c"])
def test_a_malformed_credential_is_refused_without_showing_it(
    staged: GitRepo,
    gateway: FakeGateway,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    token: str,
) -> None:
    monkeypatch.setenv("AI_GATEWAY_API_KEY", token)
    configure(staged, "auto")
    code, out, err = run(capsys, "--config", str(staged.path.parent / "commitgate.toml"))
    # A credential that cannot be sent is a setup problem: `auto` fails on it
    # even on a developer's machine.
    assert code == 3, out + err
    assert "AI_GATEWAY_API_KEY" in out and "NOT reviewed" in out
    assert "sk-ab" not in out + err and "Traceback" not in out + err
    assert gateway.posts == []


@pytest.mark.parametrize(
    ("env", "credential", "code"),
    [
        ({"CI": "true"}, True, 3),
        ({"CI": "1"}, True, 3),
        ({"CI": "false"}, True, 0),
        ({}, True, 0),
        # No credential at all is a setup problem, not a hiccup: it fails
        # even on a developer's machine.
        ({}, False, 3),
    ],
)
def test_on_error_auto(
    staged: GitRepo,
    gateway: FakeGateway,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    credential: bool,
    code: int,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    if credential:
        monkeypatch.setenv("AI_GATEWAY_API_KEY", SECRET)
    else:
        # The gateway needs a credential (a server of your own may not).
        monkeypatch.delenv("COMMITGATE_BASE_URL")
    configure(staged, "auto", "retries = 0\n")
    gateway.faults.append(Status(503))
    got, out, _ = run(
        capsys, "--config", str(staged.path.parent / "commitgate.toml"), "--format", "json"
    )
    doc = json.loads(out)
    assert got == code and doc["exit_code"] == code
    assert doc["reviewed"] is False
    assert doc["decision"]["on_error"] == ("fail" if code else "warn")
    assert ("HTTP 503" if credential else "no credentials") in doc["reason"]


def test_no_credentials_under_warn(
    staged: GitRepo,
    capsys: pytest.CaptureFixture[str],
    gateway: FakeGateway,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("COMMITGATE_BASE_URL")  # the gateway, which needs a credential
    configure(staged, "warn")
    code, out, _ = run(capsys, "--config", str(staged.path.parent / "commitgate.toml"))
    assert code == 0
    assert "commitgate: the change was NOT reviewed" in out
    assert "AI_GATEWAY_API_KEY" in out and "VERCEL_OIDC_TOKEN" in out
    assert "letting the commit through because on-error = warn" in out
    assert gateway.posts == []


def test_the_deadline_passing_mid_review(
    repo: GitRepo,
    gateway: FakeGateway,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Three requests, one at a time: the first is answered, the second
    hangs past the deadline, the third is never sent."""
    monkeypatch.setenv("COMMITGATE_BASE_URL", gateway.base_url)
    monkeypatch.setenv("AI_GATEWAY_API_KEY", SECRET)
    gateway.reviewer = marker_reviewer
    for name in ("a.py", "b.py", "c.py"):
        # Each file fills most of a request of max-request-tokens = 2000.
        repo.write(name, "".join(f"value_{i:04} = {i}  # padding padding\n" for i in range(150)))
    repo.stage()
    before = repo.snapshot()
    for policy, code, fmt in (("fail", 3, "json"), ("warn", 0, "text")):
        gateway.requests.clear()
        gateway.faults[:] = [SlowHeaders(0), SlowHeaders(60)]
        configure(
            repo,
            policy,
            "deadline = 2\nmax-request-tokens = 2000\nmax-concurrency = 1\ntimeout = 60\n",
        )
        got, out, err = run(
            capsys, "--config", str(repo.path.parent / "commitgate.toml"), "--format", fmt
        )
        assert got == code, out + err
        assert len(gateway.posts) == 2
        assert repo.snapshot() == before
        assert "Traceback" not in out + err
        if fmt == "json":
            doc = json.loads(out)
            assert doc["reviewed"] is False
            assert doc["files"] == ["a.py"]
            reasons = {nr["path"]: nr["reason"] for nr in doc["not_reviewed"]}
            assert reasons == {
                "b.py": "the review deadline (2s) passed before an answer came",
                "c.py": "the review deadline (2s) passed before its request was sent",
            }
            assert "deadline (2s)" in doc["reason"]
        else:
            assert "commitgate: the change was NOT fully reviewed" in out
            assert "reviewed: staged change, 1 file (a.py)" in out
            assert "  b.py: the review deadline (2s) passed before an answer came\n" in out
            assert "  c.py: the review deadline (2s) passed before its request was sent\n" in out


@pytest.fixture
def certificates(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A CA, and a certificate it signed for 127.0.0.1: (ca, cert, key)."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command")
    d = tmp_path / "tls"
    d.mkdir()
    ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
    (d / "leaf.ext").write_text(
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
        "keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n"
        "authorityKeyIdentifier=keyid\nsubjectKeyIdentifier=hash\n"
    )
    for args in (
        "req -x509 {ec} -keyout ca.key -out ca.pem -days 2 -subj /CN=commitgate-test-CA",
        "req {ec} -keyout leaf.key -out leaf.csr -subj /CN=127.0.0.1",
        "x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out leaf.pem "
        "-days 2 -extfile leaf.ext",
    ):
        command = ["openssl", *args.format(ec=ec).split()]
        subprocess.run(command, cwd=d, check=True, capture_output=True)
    return d / "ca.pem", d / "leaf.pem", d / "leaf.key"


def test_tls_is_verified_and_a_ca_bundle_can_be_set(
    staged: GitRepo,
    gateway: FakeGateway,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    certificates: tuple[Path, Path, Path],
) -> None:
    import ssl

    ca, cert, key = certificates
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    # The fake speaks plain HTTP; its listening socket is wrapped so that
    # every connection starts with a TLS handshake.
    server = gateway._server
    assert server is not None
    server.socket = context.wrap_socket(server.socket, server_side=True)
    monkeypatch.setenv("COMMITGATE_BASE_URL", f"https://127.0.0.1:{gateway.port}/v1")
    monkeypatch.setenv("AI_GATEWAY_API_KEY", SECRET)
    configure(staged, "fail")
    config = str(staged.path.parent / "commitgate.toml")
    before = staged.snapshot()

    code, out, _ = run(capsys, "--config", config)
    assert code == 3
    assert "could not verify the TLS certificate of 127.0.0.1" in out
    assert "set ca-bundle" in out and "gave up" not in out  # not retried
    assert gateway.posts == []

    user_config(f"ca-bundle = '{ca}'\n")  # the user's setting, not the repository's
    code, out, _ = run(capsys, "--config", config)
    assert code == 1, out
    assert "app.py:2: high: planted high bug" in out
    assert len(gateway.posts) == 1
    assert staged.snapshot() == before


def test_even_a_bug_does_not_show_the_credential(
    staged: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AI_GATEWAY_API_KEY", SECRET)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"header Bearer {SECRET} rejected")

    monkeypatch.setattr("commitgate.review.flow.review", broken)
    code, _, err = run(capsys)
    assert code == 3
    assert err.startswith("commitgate: internal error: RuntimeError: header Bearer [redacted]")
    assert SECRET not in err
