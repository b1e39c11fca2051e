"""Planted secrets for the redaction tests: one of each kind, in the shape its
provider gives it, made up at run time so that no real-looking key sits in
this repository for a scanner (or this hook) to find."""

from __future__ import annotations

import random
import string
from typing import NamedTuple

_ALNUM = string.ascii_letters + string.digits
_rng = random.Random(5)


def tok(n: int, alphabet: str = _ALNUM) -> str:
    """n random characters; with a digit and a letter when the alphabet has both."""
    mixed = any(c.isdigit() for c in alphabet) and any(c.isalpha() for c in alphabet)
    while True:
        s = "".join(_rng.choice(alphabet) for _ in range(n))
        if not mixed or (any(c.isdigit() for c in s) and any(c.isalpha() for c in s)):
            return s


def _b64(n: int) -> str:
    return tok(n, _ALNUM + "+/")


class Planted(NamedTuple):
    kind: str
    line: str  # a line of code holding the secret
    secret: str


def _pem_lines(kind: str = "RSA ", rows: int = 6) -> list[str]:
    return [
        f"-----BEGIN {kind}PRIVATE KEY-----",
        *(_b64(64) for _ in range(rows)),
        _b64(20) + "==",
        f"-----END {kind}PRIVATE KEY-----",
    ]


PEM = _pem_lines()
OPENSSH = _pem_lines("OPENSSH ")

PLANTED: list[Planted] = [
    Planted(
        "aws-access-key-id", 'AWS_ID = "{}"', "AKIA" + tok(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    ),
    Planted(
        "aws-access-key-id", "key_id: {}", "ASIA" + tok(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    ),
    Planted("aws-secret-access-key", "aws_secret_access_key = {}", _b64(40)),
    Planted("github-token", 'token = "{}"', "ghp_" + tok(36)),
    Planted("github-token", "GH={}", "gho_" + tok(36)),
    Planted("github-token", "x = '{}'", "ghs_" + tok(36)),
    Planted("github-token", "{}", "github_pat_" + tok(22) + "_" + tok(59)),
    Planted("gitlab-token", "client = Gitlab(url, private_token='{}')", "glpat-" + tok(20)),
    Planted("slack-token", 'SLACK = "{}"', "xoxb-" + tok(12, string.digits) + "-" + tok(24)),
    Planted("slack-token", "slack({!r})", "xoxp-" + tok(10, string.digits) + "-" + tok(30)),
    Planted(
        "slack-webhook",
        'url = "https://hooks.slack.com/{}"',
        "services/T" + tok(8, string.ascii_uppercase) + "/B" + tok(8) + "/" + tok(24),
    ),
    Planted("stripe-key", "stripe.api_key = '{}'", "sk_live_" + tok(24)),
    Planted("stripe-key", "const key = `{}`;", "rk_live_" + tok(24)),
    Planted("google-api-key", 'maps("{}")', "AIza" + tok(35, _ALNUM + "-_")),
    Planted(
        "openai-api-key",
        'client = OpenAI(api_key="{}")',
        "sk-proj-" + tok(40) + "T3BlbkFJ" + tok(40),
    ),
    Planted("openai-api-key", "OPENAI = '{}'", "sk-" + tok(48)),
    Planted("anthropic-api-key", "Anthropic(api_key='{}')", "sk-ant-api03-" + tok(93) + "AA"),
    Planted("vercel-api-key", "headers = {{'x': '{}'}}", "vck_" + tok(40)),
    Planted("npm-token", "//registry.npmjs.org/:_authToken={}", "npm_" + tok(36)),
    Planted("pypi-token", "TWINE = '{}'", "pypi-AgEIcHlwaS5vcmc" + tok(60)),
    Planted("twilio-api-key", 'sid = "{}"', "SK" + tok(32, "0123456789abcdef")),
    Planted("sendgrid-api-key", 'sg = "{}"', "SG." + tok(22) + "." + tok(43)),
    Planted("huggingface-token", "login('{}')", "hf_" + tok(34)),
    Planted(
        "jwt",
        "session = '{}'",
        "eyJhbGciOiJIUzI1NiJ9.eyJ" + tok(40) + "." + tok(43, _ALNUM + "-_"),
    ),
    Planted("url-password", 'DB = "postgres://admin:{}@db.internal:5432/app"', tok(14)),
    Planted("url-password", "git clone https://bot:{}@github.com/org/repo", tok(20)),
    Planted("bearer-token", 'headers = {{"Authorization": "Bearer {}"}}', tok(32)),
    Planted("bearer-token", "curl -H 'Authorization: basic {}'", _b64(30) + "="),
    Planted("password", 'password = "{}"', "Tr0ub4dor&3x"),
    Planted("password", 'db.connect(user="app", passwd="{}")', "hunter22" + tok(4)),
    Planted("password", "if password == '{}':", "Summer2024!"),
    Planted("password", '"password": "{}",', tok(12)),
    Planted("password", "$password = '{}';", tok(16)),
    Planted("password", 'Password: "{}",', tok(10)),
    Planted("secret", "SECRET_KEY = '{}'", "django-insecure-" + tok(40, _ALNUM + "!@^&*-_=+")),
    Planted("secret", 'client_secret := "{}"', tok(32)),
    Planted("secret", 'headers["X-Api-Key"] = "{}"', tok(32, "0123456789abcdef")),
    Planted("secret", "apiKey: '{}',", tok(24)),
    Planted("secret", 'auth_token: "{}"', tok(30)),
]

# Private keys, each line by itself and as lines of a file.
PEM_FILE = ["import os", "", 'KEY = """' + PEM[0], *PEM[1:-1], PEM[-1] + '"""', "x = 1"]
