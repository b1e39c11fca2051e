"""The request laid out for the provider's prompt cache: the static part
first, and `prompt_cache_key` on the gateway's Responses API.

The gateway-only parts run against the loopback server through a transport
that sends the gateway's requests there: real HTTP, only the address moved."""

from __future__ import annotations

import json
import os

import httpx
import pytest

from commitgate import git
from commitgate.config import load
from commitgate.model import wire
from commitgate.review import flow
from tests.conftest import TEST_KEY, GitRepo
from tests.fake_gateway import FakeGateway, RecordedRequest

REQ = wire.ModelRequest(
    model="openai/gpt-5.1-codex-mini",
    instructions="be brief",
    input="1+x",
    schema={"type": "object"},
    max_output_tokens=1000,
)


class ToLoopback(httpx.HTTPTransport):
    """Sends every request to the loopback server instead of its host."""

    def __init__(self, gw: FakeGateway) -> None:
        super().__init__()
        self.target = httpx.URL(gw.base_url)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.raw_path.decode().removeprefix("/v1")
        request.url = self.target.copy_with(
            raw_path=(self.target.raw_path.decode().rstrip("/") + path).encode()
        )
        request.headers["host"] = self.target.netloc.decode()
        return super().handle_request(request)


def _review(repo: GitRepo, gw: FakeGateway, config: str = "") -> list[RecordedRequest]:
    repo.write("commitgate.toml", 'api = "responses"\n' + config)
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMMITGATE_")}
    env["AI_GATEWAY_API_KEY"] = TEST_KEY
    settings = load(str(repo.path), env=env)
    assert settings.server.is_gateway
    before = len(gw.posts)
    with ToLoopback(gw) as transport:
        flow.review(
            settings, git.find_repo(str(repo.path)), flow.Target(), env=env, use_cache=False,
            transport=transport,
        )  # fmt: skip
    return gw.posts[before:]


def test_the_key_only_where_asked() -> None:
    assert "prompt_cache_key" not in wire.responses_body(REQ, True)
    keyed = REQ._replace(cache_key="commitgate-abc")
    assert wire.responses_body(keyed, True)["prompt_cache_key"] == "commitgate-abc"
    assert "prompt_cache_key" not in wire.chat_body(keyed, True)


def test_gateway_requests_carry_a_key_per_instructions(repo: GitRepo, gateway: FakeGateway) -> None:
    repo.write("a.py", "x = 1\n")
    repo.stage("a.py")
    [first] = _review(repo, gateway)
    key = first.json["prompt_cache_key"]
    assert key.startswith("commitgate-") and len(key) == len("commitgate-") + 24
    # The next commit's change is new; the key stays, as the prefix does.
    repo.commit()
    repo.write("a.py", "x = 2\n")
    repo.stage("a.py")
    [second] = _review(repo, gateway)
    assert second.json["prompt_cache_key"] == key
    assert second.json["instructions"] == first.json["instructions"]
    # Another profile's instructions, another prefix: another key.
    [other] = _review(repo, gateway, 'instructions = "Payments code: money is Decimal."\n')
    assert other.json["prompt_cache_key"] != key


def test_no_key_for_other_servers(repo: GitRepo, env: FakeGateway) -> None:
    from commitgate.main import main

    repo.write("a.py", "x = 1\n")
    repo.stage("a.py")
    assert main(["--no-cache"]) == 0
    [req] = env.posts
    assert "prompt_cache_key" not in req.json


def test_the_static_part_comes_first(repo: GitRepo, env: FakeGateway) -> None:
    """Two commits' requests, in both wire formats, share everything before
    the change byte for byte: the answer schema and the instructions, with
    the root rules file."""
    from commitgate.main import main

    repo.write("REVIEW.md", "Money is Decimal, never float.\n")
    repo.write("a.py", "x = 1\n")
    repo.stage("REVIEW.md", "a.py")
    repo.commit()
    for api in ("responses", "chat"):
        bodies = []
        for n in (2, 3):
            repo.write("a.py", f"x = {n}\n")
            repo.stage("a.py")
            (repo.path / "commitgate.toml").write_text(f'api = "{api}"\n')
            assert main(["--no-cache"]) == 0
            bodies.append(env.posts[-1].json)
        a, b = bodies
        if api == "responses":
            assert a["text"] == b["text"] and a["instructions"] == b["instructions"]
            assert "Money is Decimal" in a["instructions"]
            assert a["input"] != b["input"]
        else:
            assert a["response_format"] == b["response_format"]
            assert a["messages"][0] == b["messages"][0]
            assert "Money is Decimal" in a["messages"][0]["content"]
            assert a["messages"][1:] != b["messages"][1:]


def test_cached_tokens_reach_the_report(
    repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    """A server that caches prompts reports the cached part of the second
    commit; commitgate shows it, and prices it as cached."""
    from commitgate.main import main

    env.prompt_cache = True
    repo.write("REVIEW.md", "\n".join(f"- Rule {n}: never do thing {n}." for n in range(150)))
    repo.write("a.py", "x = 1\n")
    repo.stage("REVIEW.md", "a.py")
    repo.commit()
    reports = []
    for n in (2, 3):
        repo.write("a.py", f"x = {n}\n")
        repo.stage("a.py")
        capsys.readouterr()
        assert main(["--no-cache", "--format", "json"]) == 0
        reports.append(json.loads(capsys.readouterr().out))
    assert reports[0]["usage"]["cached_input_tokens"] == 0
    cached = reports[1]["usage"]["cached_input_tokens"]
    assert cached >= 1024 and cached % 128 == 0
    assert cached < reports[1]["usage"]["input_tokens"]
