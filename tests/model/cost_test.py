"""Cost: the gateway's figure, else prices from /models (cached a day), else the table."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from commitgate import config
from commitgate.config import Settings
from commitgate.model import cost
from commitgate.model.wire import Usage
from tests.conftest import GitRepo
from tests.fake_gateway import Answer, Drop, FakeGateway, SlowHeaders, Status

USAGE = Usage(input_tokens=10_000, cached_tokens=2_000, output_tokens=1_000, requests=1)
MINI = "openai/gpt-5.1-codex-mini"


def settings(base_url: str, model: str = MINI) -> Settings:
    return config.load("/nonexistent", env={}).replace(base_url=base_url, model=model)


def estimate(usd: float, source: str) -> object:
    """Equal to an estimated Cost of about `usd` from `source`."""
    return (pytest.approx(usd), True, source)


def gets(gateway: FakeGateway) -> list[str]:
    return [r.path for r in gateway.requests if r.method == "GET"]


def test_price_of_usage_bills_cached_input_at_its_own_rate() -> None:
    p = cost.Price(input=1.0, cached_input=0.1, output=10.0)
    assert p.of(USAGE) == pytest.approx(8_000 * 1.0 + 2_000 * 0.1 + 1_000 * 10.0)


def test_gateway_figure_when_every_answer_carried_one(gateway: FakeGateway, tmp_path: Path) -> None:
    usage = USAGE._replace(cost=0.0123, requests=2, priced=2)
    assert cost.of_run({MINI: usage}, settings(gateway.base_url), str(tmp_path)) == cost.Cost(
        0.0123, False, "gateway"
    )
    assert gateway.requests == []


def test_some_answers_without_a_figure_make_an_estimate(
    gateway: FakeGateway, tmp_path: Path
) -> None:
    usage = USAGE._replace(cost=0.0123, requests=2, priced=1)
    c = cost.of_run({MINI: usage}, settings(gateway.base_url), str(tmp_path))
    assert c is not None and c.estimated and c.source == "models"
    assert c.usd == pytest.approx(cost.TABLE[MINI].of(usage))


def test_no_requests_no_cost(gateway: FakeGateway, tmp_path: Path) -> None:
    assert cost.of_run({}, settings(gateway.base_url), str(tmp_path)) is None
    assert gateway.requests == []


def test_models_prices_fetched_once_and_kept_a_day(gateway: FakeGateway, tmp_path: Path) -> None:
    gateway.models[0]["pricing"] = {"input": "0.000001", "output": "0.00001"}
    s = settings(gateway.base_url)
    first = cost.of_run({MINI: USAGE}, s, str(tmp_path))
    second = cost.of_run({MINI: USAGE}, s, str(tmp_path))
    # No cached-input price published: cached input is billed as input.
    assert first == second == estimate(10_000e-6 + 1_000e-5, "models")
    assert gets(gateway) == ["/v1/models"]
    assert "authorization" not in gateway.requests[0].headers
    stored = json.loads((tmp_path / "commitgate" / "models.json").read_text())
    assert stored["base_url"] == gateway.base_url
    assert stored["prices"][MINI] == [1e-6, 1e-6, 1e-5]


@pytest.mark.parametrize("age", [cost.MAX_AGE + 60, -3600])
def test_a_stale_price_list_is_fetched_again(
    gateway: FakeGateway, tmp_path: Path, age: float
) -> None:
    s = settings(gateway.base_url)
    cost.of_run({MINI: USAGE}, s, str(tmp_path))
    path = tmp_path / "commitgate" / "models.json"
    stored = json.loads(path.read_text())
    stored["fetched_at"] = time.time() - age  # a day old, or from the future
    path.write_text(json.dumps(stored))
    cost.of_run({MINI: USAGE}, s, str(tmp_path))
    assert gets(gateway) == ["/v1/models", "/v1/models"]


def test_another_server_is_asked_for_its_own_list(gateway: FakeGateway, tmp_path: Path) -> None:
    cost.of_run({MINI: USAGE}, settings(gateway.base_url), str(tmp_path))
    cost.of_run({MINI: USAGE}, settings(gateway.base_url + "/"), str(tmp_path))
    assert len(gets(gateway)) == 1  # the same server
    with FakeGateway() as other:
        cost.of_run({MINI: USAGE}, settings(other.base_url), str(tmp_path))
        assert gets(other) == ["/v1/models"]


@pytest.mark.parametrize(
    "fault",
    [Status(500), Status(404), Drop(), Answer("<html>not json"), Answer('{"data": 5}')],
)
def test_a_failed_fetch_makes_up_no_price_and_is_remembered(
    gateway: FakeGateway, tmp_path: Path, fault: object
) -> None:
    """The published prices are the gateway's: a server that is not the
    gateway and gives none has no price, however it names its model."""
    gateway.models_faults.append(fault)  # type: ignore[arg-type]
    s = settings(gateway.base_url)
    assert cost.of_run({MINI: USAGE}, s, str(tmp_path)) is None
    # Not asked again on the next commit: a server without a list stays quick.
    assert cost.of_run({MINI: USAGE}, s, str(tmp_path)) is None
    assert gets(gateway) == ["/v1/models"]


def test_the_gateway_without_a_price_list_is_priced_from_the_table(tmp_path: Path) -> None:
    s = settings(config.DEFAULT_BASE_URL)
    # As after a failed fetch today: an empty list, fresh (so nothing is fetched).
    stored = {"base_url": config.DEFAULT_BASE_URL, "fetched_at": time.time(), "prices": {}}
    (tmp_path / "commitgate").mkdir()
    (tmp_path / "commitgate" / "models.json").write_text(json.dumps(stored))
    expected = estimate(cost.TABLE[MINI].of(USAGE), "table")
    assert cost.of_run({MINI: USAGE}, s, str(tmp_path)) == expected


def test_a_slow_price_list_is_not_waited_for(
    gateway: FakeGateway, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cost, "FETCH_TIMEOUT", 0.2)
    gateway.models_faults.append(SlowHeaders(5))
    started = time.monotonic()
    assert cost.of_run({MINI: USAGE}, settings(gateway.base_url), str(tmp_path)) is None
    assert time.monotonic() - started < 5


def test_a_failed_fetch_keeps_the_last_prices_known(gateway: FakeGateway, tmp_path: Path) -> None:
    gateway.models[0]["pricing"]["input"] = "0.000005"
    s = settings(gateway.base_url)
    cost.of_run({MINI: USAGE}, s, str(tmp_path))
    path = tmp_path / "commitgate" / "models.json"
    stored = json.loads(path.read_text())
    stored["fetched_at"] = 0
    path.write_text(json.dumps(stored))
    gateway.models_faults.append(Status(503))
    c = cost.of_run({MINI: USAGE}, s, str(tmp_path))
    assert c is not None and c.source == "models"


def test_unknown_model_has_no_cost(gateway: FakeGateway, tmp_path: Path) -> None:
    assert (
        cost.of_run({"llama3:8b": USAGE}, settings(gateway.base_url, "llama3:8b"), str(tmp_path))
        is None
    )


def test_unwritable_cache_is_no_error(gateway: FakeGateway, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")  # the cache's folder cannot be made under a file
    c = cost.of_run({MINI: USAGE}, settings(gateway.base_url), str(blocker))
    assert c is not None and c.source == "models"


@pytest.mark.parametrize("content", ["", "{", "[]", '{"base_url": 1}', '{"prices": {"m": [1]}}'])
def test_a_damaged_cache_file_is_ignored(
    gateway: FakeGateway, tmp_path: Path, content: str
) -> None:
    path = tmp_path / "commitgate" / "models.json"
    path.parent.mkdir()
    path.write_text(content)
    c = cost.of_run({MINI: USAGE}, settings(gateway.base_url), str(tmp_path))
    assert c is not None and c.source == "models"


def test_input_estimate_never_fetches(gateway: FakeGateway, tmp_path: Path) -> None:
    s = settings(gateway.base_url)
    assert cost.of_input([(MINI, 4_000)], s, str(tmp_path)) is None  # not the gateway
    assert gateway.requests == []
    gateway_settings = settings(config.DEFAULT_BASE_URL)
    table = estimate(4_000 * 0.25e-6, "table")
    assert cost.of_input([(MINI, 4_000)], gateway_settings, str(tmp_path)) == table
    gateway.models[0]["pricing"]["input"] = "0.000001"
    cost.of_run({MINI: USAGE}, s, str(tmp_path))
    assert cost.of_input([(MINI, 4_000)], s, str(tmp_path)) == estimate(4_000e-6, "models")


def test_parse_models_keeps_only_usable_prices() -> None:
    body = {
        "data": [
            {"id": "a", "pricing": {"input": "0.000001", "output": "0.000002"}},
            {"id": "b", "pricing": {"input": "-1", "output": "0.1"}},
            {"id": "c", "pricing": {"input": "nan", "output": "0.1"}},
            {"id": "d", "pricing": {"input": True, "output": "0.1"}},
            {"id": "e"},
            {"pricing": {"input": "1", "output": "1"}},
            "f",
            {"id": "g", "pricing": {"input": 0, "output": 0, "input_cache_read": "x"}},
        ]
    }
    assert cost.parse_models(body) == {
        "a": cost.Price(1e-6, 1e-6, 2e-6),
        "g": cost.Price(0.0, 0.0, 0.0),
    }
    assert cost.parse_models([]) == {}


@pytest.mark.parametrize(
    ("c", "label"),
    [
        (cost.Cost(0.00312, False, "gateway"), "$0.0031"),
        (cost.Cost(0.00312, True, "models"), "~$0.0031 est."),
        (cost.Cost(0.00001, True, "table"), "~<$0.0001 est."),
        (cost.Cost(0.0, False, "gateway"), "$0.0000"),
        (cost.Cost(12.5, False, "gateway"), "$12.5000"),
    ],
)
def test_label(c: cost.Cost, label: str) -> None:
    assert c.label() == label


def test_a_run_that_sends_nothing_imports_no_http_client(repo: GitRepo) -> None:
    repo.write("app.py", "x = 1\n")
    repo.stage()
    code = (
        "import sys\n"
        "from commitgate.main import main\n"
        "code = main(['--dry-run'])\n"
        "assert 'httpx' not in sys.modules, 'httpx was imported'\n"
        "sys.exit(code)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMMITGATE")}
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=repo.path, capture_output=True, text=True, env=env
    )
    assert proc.returncode == 0, proc.stderr


def test_each_model_is_priced_at_its_own_rate(gateway: FakeGateway, tmp_path: Path) -> None:
    codex = "openai/gpt-5.1-codex"
    c = cost.of_run({MINI: USAGE, codex: USAGE}, settings(gateway.base_url), str(tmp_path))
    assert c is not None and c.estimated
    assert c.usd == pytest.approx(cost.TABLE[MINI].of(USAGE) + cost.TABLE[codex].of(USAGE))
    dry = cost.of_input([(MINI, 1000), (codex, 1000)], settings(gateway.base_url), str(tmp_path))
    assert dry is not None and dry.usd == pytest.approx(1000 * (0.25e-6 + 1.25e-6))
