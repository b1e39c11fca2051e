"""What reads as a secret value, and what as a name."""

from __future__ import annotations

from commitgate.outbound import shapes as r
from tests.secrets_sample import tok


def test_name_like() -> None:
    for name in ("V1SecretReference", "types-auth0-python", "ExclusiveStartShardId", "utf-8"):
        assert r.name_like(name), name
    for token in ("2YotnFZFEjr1zCsicMWpAA", "JBSWY3DPEHPK3PXP", "a565c27146791cfb", tok(24)):
        assert not r.name_like(token), token
    # A password is often a word and a number: it takes two words to be a name.
    assert r.name_like("Summer2024") and not r.name_like("Summer2024", 2)


def test_entropy() -> None:
    assert r.entropy("") == 0 and r.entropy("aaaa") == 0
    assert r.entropy("abcd") == 2
    assert r.entropy(tok(64)) > 4.5
