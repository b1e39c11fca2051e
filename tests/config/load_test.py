from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from commitgate import config
from commitgate.errors import ConfigError
from commitgate.severity import Severity


def load(tmp_path: Path, text: str, name: str = "commitgate.toml", **kw: object) -> config.Settings:
    (tmp_path / name).write_text(text)
    return config.load(str(tmp_path), env={}, **kw)  # type: ignore[arg-type]


def test_every_key_is_a_setting() -> None:
    fields = {f.name for f in dataclasses.fields(config.Settings)} - {
        "profile",
        "source",
        "server_chosen_by",
        "server_where",
        "user_file",
        "warnings",
        "scoped_instructions",
        "trusted_at",
    }
    assert fields == {k.replace("-", "_") for k in config.KEYS}


def test_defaults(tmp_path: Path) -> None:
    s = config.load(str(tmp_path), env={})
    assert s.model == "openai/gpt-5.1-codex-mini"
    assert s.base_url == "https://ai-gateway.vercel.sh/v1"
    assert s.api == "auto"
    assert s.fail_on is Severity.HIGH
    assert s.source == "built-in defaults"


def test_file_values(tmp_path: Path) -> None:
    s = load(
        tmp_path,
        """
fail-on = "medium"
max-findings = { low = 5 }
exclude = ["vendor/**"]
api = "chat"
timeout = 5
[[overrides]]
paths = ["tests/**"]
fail-on = "critical"
""",
    )
    assert s.fail_on is Severity.MEDIUM
    assert s.max_findings == {Severity.LOW: 5}
    assert s.exclude == ("vendor/**",)
    assert s.timeout == 5.0 and isinstance(s.timeout, float)
    assert s.fail_on_for("tests/a.py") is Severity.CRITICAL
    assert s.fail_on_for("src/a.py") is Severity.MEDIUM
    assert s.max_findings_for("tests/a.py") == {Severity.LOW: 5}
    assert s.source == "commitgate.toml"


def test_min_confidence(tmp_path: Path) -> None:
    assert config.load(str(tmp_path), env={}).min_confidence == 0.5
    s = load(
        tmp_path,
        """
min-confidence = 0
[[overrides]]
paths = ["tests/**"]
min-confidence = 1
[[overrides]]
paths = ["tests/**"]
fail-on = "low"
""",
    )
    assert s.min_confidence == 0.0 and isinstance(s.min_confidence, float)
    # An override that does not set min-confidence does not hide one that does.
    assert s.min_confidence_for("tests/t.py") == 1.0
    assert s.min_confidence_for("src/a.py") == 0.0


def test_pyproject(tmp_path: Path) -> None:
    s = load(tmp_path, '[tool.commitgate]\nfail-on = "low"\n', "pyproject.toml")
    assert s.fail_on is Severity.LOW
    assert s.source == "pyproject.toml [tool.commitgate]"


def test_pyproject_without_table_is_defaults(tmp_path: Path) -> None:
    assert load(tmp_path, "[tool.black]\nx = 1\n", "pyproject.toml").source == "built-in defaults"


def test_commitgate_toml_wins(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.commitgate]\nfail-on = "low"\n')
    assert load(tmp_path, 'fail-on = "critical"\n').fail_on is Severity.CRITICAL


def test_env_overrides(tmp_path: Path) -> None:
    (tmp_path / "commitgate.toml").write_text('model = "a"\nbase-url = "https://x/v1"\n')
    s = config.load(str(tmp_path), env={"COMMITGATE_MODEL": "m", "COMMITGATE_BASE_URL": "u"})
    assert (s.model, s.base_url) == ("m", "u")


def test_profile_layers(tmp_path: Path) -> None:
    (tmp_path / "commitgate.toml").write_text(
        'model = "top"\nfail-on = "low"\n[review]\nfail-on = "medium"\n'
    )
    s = config.load(
        str(tmp_path),
        env={},
        profile="review",
        profile_defaults={"model": "profile-model", "fail-on": Severity.CRITICAL},
    )
    assert s.model == "profile-model"  # the profile's own default beats top-level keys
    assert s.fail_on is Severity.MEDIUM  # the profile's table beats everything in the file


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('fail_on = "high"', "commitgate.toml: unknown key 'fail_on' (did you mean 'fail-on'?)"),
        ('fail-on = "severe"', "'fail-on' must be one of critical, high, medium, low, info"),
        ("fail-on = 3", "'fail-on' must be one of"),
        ('timeout = "10"', "'timeout' must be a number (got a string '10')"),
        ("retries = 1.5", "'retries' must be an integer (got a number 1.5)"),
        ("stream = 1", "'stream' must be true or false"),
        ("retries = true", "'retries' must be an integer"),
        ("timeout = 0", "'timeout' must be at least 0.1"),
        ('api = "grpc"', "'api' must be one of 'auto', 'responses', 'chat'"),
        ('exclude = "x"', "'exclude' must be a list of strings"),
        ("max-findings = 3", "'max-findings' must be a table"),
        ("max-findings = { huge = 1 }", "'max-findings.huge' must be one of"),
        ("max-findings = { low = -1 }", "'max-findings.low' must be a whole number"),
        ("overrides = 1", "'overrides' must be an array of tables"),
        ("[[overrides]]\nfail-on = 'low'", "[[overrides]] #1: 'paths' must be a non-empty list"),
        ("[[overrides]]\npaths = ['a']\nmodel = 'x'", "[[overrides]] #1: unknown key 'model'"),
        (
            "[review]\nmodl = 'x'",
            "commitgate.toml [review]: unknown key 'modl' (did you mean 'model'?)",
        ),
        ("review = 1", "[review] must be a table"),
        ("min-confidence = 1.5", "'min-confidence' must be at most 1 (got a number 1.5)"),
        ("min-confidence = -0.1", "'min-confidence' must be at least 0"),
        ('min-confidence = "high"', "'min-confidence' must be a number"),
        (
            "[[overrides]]\npaths = ['a']\nmin-confidence = 2",
            "[[overrides]] #1: 'min-confidence' must be at most 1",
        ),
        ("fail-on = ", "commitgate.toml: invalid TOML: "),
    ],
)
def test_errors_name_file_key_and_what_is_allowed(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as e:
        load(tmp_path, text)
    assert message in str(e.value)


def test_toml_error_has_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"line 2"):
        load(tmp_path, 'model = "x"\nfail-on = = 1\n')


def test_explicit_config_file(tmp_path: Path) -> None:
    p = tmp_path / "other.toml"
    p.write_text('fail-on = "info"\n')
    assert config.load(str(tmp_path), config_file=str(p), env={}).fail_on is Severity.INFO
    with pytest.raises(ConfigError, match="cannot read"):
        config.load(str(tmp_path), config_file=str(tmp_path / "nope.toml"), env={})
