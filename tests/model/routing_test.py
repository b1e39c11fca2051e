"""Gateway options: sent exactly as set, never when unset, and what they do
to the wire bodies of both APIs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from commitgate import config
from commitgate.errors import ConfigError
from commitgate.main import main
from commitgate.model import routing
from tests.conftest import GitRepo
from tests.fake_gateway import FakeGateway, Status
from tests.openai_schema import validator


def settings(tmp_path: Path, text: str) -> config.Settings:
    (tmp_path / "commitgate.toml").write_text(text)
    return config.load(str(tmp_path), env={})


def test_nothing_set_sends_nothing(tmp_path: Path) -> None:
    s = config.load(str(tmp_path), env={})
    assert routing.provider_options(s) == {}
    assert routing.off_gateway_note(s.replace(base_url="http://127.0.0.1:1/v1")) is None


def test_each_option(tmp_path: Path) -> None:
    s = settings(
        tmp_path,
        "zero-data-retention = true\n"
        'provider-order = ["azure", "openai"]\n'
        'provider-only = ["azure"]\n'
        'user = "team-payments"\n'
        'tags = ["commit-review", "payments"]\n',
    )
    assert routing.provider_options(s) == {
        "providerOptions": {
            "gateway": {
                "zeroDataRetention": True,
                "order": ["azure", "openai"],
                "only": ["azure"],
                "user": "team-payments",
                "tags": ["commit-review", "payments"],
            }
        }
    }
    assert routing.off_gateway_note(s) is None  # the default base-url is the gateway
    note = routing.off_gateway_note(s.replace(base_url="http://localhost:4000/v1"))
    assert note is not None and "localhost may ignore them" in note
    one = settings(tmp_path, 'tags = ["x"]\n')
    assert routing.provider_options(one) == {"providerOptions": {"gateway": {"tags": ["x"]}}}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tags = " + json.dumps([f"t{i}" for i in range(11)]), "at most 10 strings of 1 to 64"),
        ('tags = ["' + "x" * 65 + '"]', "at most 10 strings of 1 to 64"),
        ('tags = [""]', "at most 10 strings of 1 to 64"),
        ('tags = "review"', "at most 10 strings of 1 to 64"),
        ('user = "' + "u" * 257 + '"', "a string of at most 256 characters"),
        ("user = 5", "a string of at most 256 characters"),
        ('zero-data-retention = "yes"', "true or false"),
        ('provider-only = "azure"', "a list of strings"),
        ('never-send = [".env", 1]', "a list of strings"),
    ],
)
def test_bad_values(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        settings(tmp_path, text + "\n")


def test_limits_are_allowed(tmp_path: Path) -> None:
    tags = [f"{i}" * 64 for i in range(10)]
    s = settings(tmp_path, f'tags = {json.dumps(tags)}\nuser = "{"u" * 256}"\n')
    assert s.tags == tuple(tags) and len(s.user) == 256


# ---- on the wire ------------------------------------------------------------


OPTIONS = (
    "zero-data-retention = true\n"
    'provider-order = ["bedrock", "anthropic"]\n'
    'provider-only = ["azure"]\n'
    'user = "ci-bot"\n'
    'tags = ["ci"]\n'
)


def _review(repo: GitRepo, capsys: pytest.CaptureFixture[str], toml: str) -> tuple[int, str]:
    repo.write("commitgate.toml", toml)
    repo.write("app.py", "x = 1\n")
    repo.stage()
    code = main([])
    return code, capsys.readouterr().out


@pytest.mark.parametrize("api", ["responses", "chat"])
@pytest.mark.parametrize("stream", [True, False])
def test_bodies_carry_the_options(
    repo: GitRepo,
    env: FakeGateway,
    capsys: pytest.CaptureFixture[str],
    api: str,
    stream: bool,
) -> None:
    code, out = _review(repo, capsys, f'api = "{api}"\nstream = {str(stream).lower()}\n' + OPTIONS)
    assert code == 0, out
    [req] = env.posts
    body: dict[str, Any] = req.json
    assert body["providerOptions"] == {
        "gateway": {
            "zeroDataRetention": True,
            "order": ["bedrock", "anthropic"],
            "only": ["azure"],
            "user": "ci-bot",
            "tags": ["ci"],
        }
    }
    assert "user" not in body  # the gateway's user, not OpenAI's top-level one
    if api == "responses":
        assert body["store"] is False
        assert req.path == "/v1/responses"
        validator("CreateResponse").validate(body)
    else:
        assert "store" not in body  # chat completions are not stored unless asked
        assert req.path == "/v1/chat/completions"
        validator("CreateChatCompletionRequest").validate(body)
    # The fake gateway is not the gateway: the user is told the options may
    # be ignored there.
    assert "127.0.0.1 may ignore them" in out


@pytest.mark.parametrize("api", ["responses", "chat"])
def test_without_options_the_body_stays_plain(
    repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str], api: str
) -> None:
    code, out = _review(repo, capsys, f'api = "{api}"\n')
    assert code == 0
    [req] = env.posts
    assert "providerOptions" not in req.json and b"providerOptions" not in req.body
    assert req.json.get("store", False) is False
    assert "ignore them" not in out


def test_no_provider_without_retention_is_explained(
    repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    env.faults.append(Status(400, error_type="no_providers_available", message="No providers"))
    code, out = _review(repo, capsys, OPTIONS + 'on-error = "fail"\n')
    assert code == 3
    assert "zero-data-retention" in out and "only providers that retain no data" in out
    assert len(env.posts) == 1  # not retried
