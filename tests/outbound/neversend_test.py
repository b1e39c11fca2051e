"""Files that are secrets by name are held back, and the setting can add to
the list or take one back."""

from __future__ import annotations

import pytest

from commitgate.outbound.neversend import NEVER_SEND, glob_for


@pytest.mark.parametrize(
    ("path", "glob"),
    [
        (".env", ".env*"),
        ("services/api/.env.production", ".env*"),
        ("certs/server.pem", "*.pem"),
        ("tls/server.key", "*.key"),
        ("keys/deploy.p12", "*.p12"),
        (".ssh/id_rsa", "id_rsa*"),
        ("id_ed25519.pub", "id_ed25519*"),
        ("android/release.keystore", "*.keystore"),
        ("home/.aws/credentials", "**/.aws/credentials"),
        (".npmrc", ".npmrc"),
        ("infra/terraform.tfstate", "*.tfstate"),
        ("gcp/credentials.json", "credentials.json"),
    ],
)
def test_built_in_list(path: str, glob: str) -> None:
    assert glob_for(path) == glob


@pytest.mark.parametrize(
    "path", ["app.py", "environment.py", "docs/keys.md", "monkey.py", "src/env/config.py", "pem.py"]
)
def test_ordinary_files_are_sent(path: str) -> None:
    assert glob_for(path) is None


def test_setting_adds_and_takes_back() -> None:
    patterns = ("secrets/**", "!.env.example", "!test/fixtures/*.pem")
    assert glob_for("secrets/prod.yaml", patterns) == "secrets/**"
    assert glob_for(".env.example", patterns) is None
    assert glob_for(".env.local", patterns) == ".env*"
    assert glob_for("test/fixtures/self-signed.pem", patterns) is None
    assert glob_for("certs/real.pem", patterns) == "*.pem"
    # The last matching pattern decides.
    assert glob_for(".env.example", ("!.env.example", ".env.example")) == ".env.example"


def test_list_has_no_duplicates() -> None:
    assert len(set(NEVER_SEND)) == len(NEVER_SEND)
