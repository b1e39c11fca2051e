"""Secrets are replaced where they stand; ordinary code is left alone; and
through the command line, no planted secret reaches the server."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from commitgate.git.change import ChangedFile, Hunk
from commitgate.main import main
from commitgate.outbound import redact as r
from tests.conftest import GitRepo
from tests.fake_gateway import FakeGateway
from tests.secrets_sample import OPENSSH, PEM, PEM_FILE, PLANTED, Planted, tok

# ---- each detector ----------------------------------------------------------


@pytest.mark.parametrize("planted", PLANTED, ids=lambda p: f"{p.kind}:{p.line[:24]}")
def test_each_kind_is_replaced_in_place(planted: Planted) -> None:
    line = planted.line.format(planted.secret)
    before, after = line.split(planted.secret)
    out = r.redact("app.py", ["first", line, "last"])
    assert out.lines == ("first", f"{before}[REDACTED:{planted.kind}]{after}", "last")
    assert out.found == {planted.kind: 1}


def test_several_secrets_on_one_line_and_repeated() -> None:
    a, b = "ghp_" + tok(36), "AKIA" + tok(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    out = r.redact("x.py", [f"f('{a}', '{b}', '{a}')"])
    assert out.lines == (
        "f('[REDACTED:github-token]', '[REDACTED:aws-access-key-id]', '[REDACTED:github-token]')",
    )
    assert out.found == {"github-token": 2, "aws-access-key-id": 1}


def test_escaped_quotes_do_not_cut_a_value_short() -> None:
    secret = 'p4ss\\"w0rd-' + tok(8)
    out = r.redact("x.js", [f'const password = "{secret}";'])
    assert out.lines == ('const password = "[REDACTED:password]";',)


def test_unquoted_values_only_in_configuration_files() -> None:
    value = tok(20)
    assert r.redact("deploy.yaml", [f"  password: {value}"]).lines == (
        "  password: [REDACTED:password]",
    )
    assert r.redact("run.sh", [f"export API_TOKEN={value}"]).lines == (
        "export API_TOKEN=[REDACTED:secret]",
    )
    assert r.redact("Dockerfile", [f"ENV DB_PASSWORD={value}"]).found == {"password": 1}
    # In code an unquoted value is an expression, not a secret.
    code = ["password = read_password()", f"token = {value}", "auth = get(password=pw)"]
    assert r.redact("app.py", code) == r.Redacted(tuple(code), Counter())


def test_assignment_inside_a_call_is_still_seen() -> None:
    secret = tok(16)
    out = r.redact("app.py", [f'auth_token = get(password="{secret}")'])
    assert out.lines == ('auth_token = get(password="[REDACTED:password]")',)


def test_high_entropy_values_in_env_files_only() -> None:
    value, hexv = tok(32), tok(40, "0123456789abcdef")
    lines = [
        "# comment",
        f"STRIPE_WEBHOOK={value}",
        f'export SESSION="{hexv}"',
        "APP_NAME=my-service-production-database",
        "PORT=8080",
        "DEBUG=true",
    ]
    out = r.redact("config/.env.production", lines)
    assert out.lines == (
        "# comment",
        "STRIPE_WEBHOOK=[REDACTED:high-entropy]",
        'export SESSION="[REDACTED:high-entropy]"',
        *lines[3:],
    )
    assert out.found == {"high-entropy": 2}
    assert r.redact("settings.py", [f"CHECKSUM={hexv}"]).found == Counter()


# ---- private keys -----------------------------------------------------------


def test_a_key_block_keeps_its_markers_and_every_line() -> None:
    lines = ["before", *PEM, "after"]
    out = r.redact("notes.txt", lines)
    assert out.lines == (
        "before",
        PEM[0],
        *["[REDACTED:private-key]"] * (len(PEM) - 2),
        PEM[-1],
        "after",
    )
    assert out.found == {"private-key": 1}
    assert out.key_lines == frozenset(range(2, len(PEM) + 1))  # BEGIN to the last body line


def test_a_key_in_a_string_literal() -> None:
    out = r.redact("keys.py", PEM_FILE)
    assert len(out.lines) == len(PEM_FILE)
    assert out.lines[2] == 'KEY = """-----BEGIN RSA PRIVATE KEY-----'
    assert out.lines[-2] == '-----END RSA PRIVATE KEY-----"""'
    assert not any(body in "\n".join(out.lines) for body in PEM[1:-1])
    # A JavaScript concatenation keeps its quotes, escapes and operators.
    js = [f'const key = "{OPENSSH[0]}\\n" +', *(f'  "{b}\\n" +' for b in OPENSSH[1:-1])]
    js.append(f'  "{OPENSSH[-1]}";')
    out = r.redact("key.js", js)
    assert out.lines[1:-1] == ('  "[REDACTED:private-key]\\n" +',) * (len(OPENSSH) - 2)
    assert out.found == {"private-key": 1}


def test_a_key_on_one_line_as_in_a_service_account_file() -> None:
    body = "\\n".join(PEM[1:-1])
    line = (
        f'  "private_key": "-----BEGIN PRIVATE KEY-----\\n{body}\\n-----END PRIVATE KEY-----\\n",'
    )
    out = r.redact("sa.json", [line])
    assert out.lines == (
        '  "private_key": "-----BEGIN PRIVATE KEY-----\\n[REDACTED:private-key]\\n'
        '-----END PRIVATE KEY-----\\n",',
    )


def test_armoured_and_encrypted_keys() -> None:
    pgp = [
        "-----BEGIN PGP PRIVATE KEY BLOCK-----",
        "Version: GnuPG v2",
        "",
        *PEM[1:-1],
        "=" + tok(4),
        "-----END PGP PRIVATE KEY BLOCK-----",
    ]
    out = r.redact("k.asc", pgp)
    assert out.lines[:3] == tuple(pgp[:3])
    assert set(out.lines[3:-1]) == {"[REDACTED:private-key]"}
    enc = [
        "-----BEGIN RSA PRIVATE KEY-----",
        "Proc-Type: 4,ENCRYPTED",
        "DEK-Info: AES-128-CBC," + tok(32, "0123456789ABCDEF"),
        "",
        *PEM[1:-1],
        "-----END RSA PRIVATE KEY-----",
    ]
    out = r.redact("k.txt", enc)
    assert out.lines[1:4] == tuple(enc[1:4]) and out.found == {"private-key": 1}


def test_code_that_names_a_key_marker_stays_code() -> None:
    code = [
        'if text.startswith("-----BEGIN RSA PRIVATE KEY-----"):',
        "    pass",
        "",
        "    return parse(text)",
        'END = "-----END RSA PRIVATE KEY-----"',
        'assert lines[0] == "-----BEGIN RSA PRIVATE KEY-----"',
        'assert lines[-1] == "-----END RSA PRIVATE KEY-----"',
        'pem = f"-----BEGIN PRIVATE KEY-----\\n{body}\\n-----END PRIVATE KEY-----\\n"',
    ]
    out = r.redact("pem.py", code)
    assert out.lines == tuple(code) and out.found == Counter()


def test_removed_lines_inside_a_key_are_redacted() -> None:
    new_lines = ["x = 1", *PEM]
    old_body = tok(64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    # Line 4 of the new file (the third body line) replaced an old body line.
    f = ChangedFile("key.txt", "modified", tuple(new_lines), (Hunk(4, 1, (old_body,)),))
    clean, found = r.redact_file(f)
    assert clean.hunks == (Hunk(4, 1, ("[REDACTED:private-key]",)),)
    assert found == {"private-key": 2}
    assert clean.lines[3] == "[REDACTED:private-key]" and f.lines[3] == new_lines[3]


def test_removed_lines_and_untouched_files() -> None:
    secret = "ghp_" + tok(36)
    f = ChangedFile("a.py", "modified", ("x = 2",), (Hunk(1, 1, (f"x = '{secret}'",)),))
    clean, found = r.redact_file(f)
    assert clean.hunks[0].removed == ("x = '[REDACTED:github-token]'",)
    assert clean.lines == f.lines and found == {"github-token": 1}
    plain = ChangedFile("b.py", "added", ("print('hello')",))
    assert r.redact_file(plain) == (plain, Counter())


# ---- ordinary code is left alone --------------------------------------------

ORDINARY = {
    "app.py": [
        "import os",
        "TOKEN_HEADER = 'Authorization'",
        "password = os.environ['DB_PASSWORD']",
        "token = request.headers.get('X-Api-Key')",
        "PASSWORD_ENV = 'DB_PASSWORD'",
        "auth_type = 'bearer'",
        "grant = {'grant_type': 'client_credentials', 'token_type': 'Bearer'}",
        "secret_ref = 'V1SecretReference'",
        "max_tokens = 16000",
        "token_expiry = '2024-03-02T21:26:13Z'",
        "self.secret = secret",
        "if password != confirm_password:",
        "api_key = settings.API_KEY",
        "password_field = 'password'",
        "credentials = 'include'",
        "token_url = 'https://oauth2.googleapis.com/token'",
        "auth_file = './secrets/credentials.json'",
        "author = 'Jane Doe'",
        "TOKENIZER = 'cl100k_base'",
        "commit = '3f2a9c1e4b7d8f0a6c5e2d1b9a8f7e6d5c4b3a21'",
        "colour = {'Token.Keyword': '#ff79c6', 'Token': 'bg:#282a36'}",
        "assert auth.region == 'us-east-1'",
        "url = f'https://{user}:{password}@{host}/'",
        "DSN = 'postgres://user:${DB_PASSWORD}@db:5432/app'",
        "print(f'password: {masked}')",
        "# Pass the token in the Authorization: Bearer <token> header.",
        "raise ValueError('bad password')",
        "uid = '550e8400'",
        'SECRET_NAME = "projects/my-project/secrets/api-key/versions/1"',
    ],
    "index.ts": [
        "const token = await getToken();",
        "headers: { Authorization: `Bearer ${token}` },",
        "const authHeader = 'x-amz-security-token';",
        "fetch(url, { credentials: 'same-origin' });",
        "export const API_KEY_NAME = 'X-Api-Key';",
        "if (password === confirmPassword) {",
    ],
    "package.json": [
        '  "dependencies": {',
        '    "js-tokens": "^4.0.0",',
        '    "next-auth": "4.24.5",',
        '    "passport-jwt": "~4.0.1",',
        '    "jsonwebtoken": ">=9.0.0"',
    ],
    "package-lock.json": [
        '    "node_modules/js-tokens": {',
        '      "version": "4.0.0",',
        '      "resolved": "https://registry.npmjs.org/js-tokens/-/js-tokens-4.0.0.tgz",',
        '      "integrity": "sha512-RdJUflcE3cUzKiMqQgsCu06FPu9UdIJO0beYbPhHN1k6vN0eoU/0Qy2q0'
        'xTVHfUhkWBlwA0K1g6gYqUcjhW1qKEw=="',
    ],
    "yarn.lock": [
        "js-tokens@^4.0.0:",
        '  version "4.0.0"',
        '  resolved "https://registry.yarnpkg.com/js-tokens/-/js-tokens-4.0.0.tgz#19203fb59991df98e3a287050d4647cdeaf32499"',
        "  integrity sha512-RdJUflcE3cUzKiMqQgsCu06FPu9UdIJO0beYbPhHN1k6vN0eoU/0Qy2q0xTVHfUhk==",
    ],
    "go.sum": [
        "golang.org/x/oauth2 v0.15.0 h1:s8pnnxNVzjWyrvYdFUQq5llS1PX2zhPXmccZv99h7uQ=",
        "golang.org/x/oauth2 v0.15.0/go.mod h1:q48ptWNTY5XWf+JNten23lcvHpLJ0ZSxF5ttTHKVCAM=",
    ],
    "poetry.lock": [
        '{file = "tokenizers-0.15.0.tar.gz", '
        'hash = "sha256:10c7e6e7b4cabd757da59e93f5f8d1126291d16f8b54f28510825ef56a3e5ef6"},',
        'name = "oauthlib"',
        'content-hash = "4a3c1f2b9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a"',
    ],
    "Cargo.lock": [
        'name = "secret-service"',
        'checksum = "e5e6d7d2b0a9c8f7e6d5c4b3a2918f7e6d5c4b3a2918f7e6d5c4b3a29180f7e"',
    ],
    "requirements.txt": [
        "tokenizers==0.15.0 \\",
        "    --hash=sha256:10c7e6e7b4cabd757da59e93f5f8d1126291d16f8b54f28510825ef56a3e5ef6",
    ],
    ".github/workflows/ci.yml": [
        "        env:",
        "          TOKEN: ${{ secrets.GITHUB_TOKEN }}",
        "          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}",
        "        with:",
        "          token: ${{ github.token }}",
        "          password: ${{ secrets.DOCKER_PASSWORD }}",
        "          auth: true",
    ],
    "settings.ini": [
        "[auth]",
        "password_min_length = 12",
        "token_lifetime = 3600",
        "secret_backend = vault",
    ],
}


@pytest.mark.parametrize("path", sorted(ORDINARY))
def test_ordinary_code_and_lock_files_are_left_alone(path: str) -> None:
    lines = ORDINARY[path]
    out = r.redact(path, lines)
    changed = [(a, b) for a, b in zip(lines, out.lines) if a != b]
    assert changed == [] and out.found == Counter()


def test_long_lines_and_odd_text_keep_their_count() -> None:
    lines = ["", "\t", "é" * 50 + "İ password='" + tok(12) + "'", "x" * 100_000, "\r", "ß" * 10]
    out = r.redact("w.env", lines)
    assert len(out.lines) == len(lines)
    assert out.lines[2].endswith("password='[REDACTED:password]'")
    assert r.redact("empty.py", []) == r.Redacted((), Counter())


# ---- end to end: nothing planted reaches the server --------------------------


def _json_forms(secret: str) -> set[bytes]:
    """How a value can appear in a JSON body: as it is, or escaped."""
    return {secret.encode(), json.dumps(secret)[1:-1].encode()}


def test_no_planted_secret_reaches_the_server(
    repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    old = [p.line.format(p.secret) for p in PLANTED[::2]]
    repo.write("legacy.py", "\n".join(["# legacy", *old, "done = True"]) + "\n")
    repo.stage()
    repo.commit()
    # The change: the old secrets are removed (they are in the diff's removed
    # lines), new ones added, a bug planted on a line with a secret and one
    # after the private key.
    new = [p.line.format(p.secret) for p in PLANTED]
    app = [
        "import os",
        *new,
        f"leak = '{PLANTED[3].secret}'  # BUG:high",
        *PEM_FILE,
        "y = x + 1  # BUG:medium",
    ]
    repo.write("app.py", "\n".join(app) + "\n")
    repo.write("legacy.py", "# legacy\ndone = False\n")
    dotenv_secret = tok(40)
    repo.write(".env", f"STRIPE_KEY=sk_live_{dotenv_secret}\nDEBUG=1  # BUG:critical\n")
    repo.write("deploy/id_rsa", "\n".join(PEM) + "\n")
    repo.write("certs/server.pem", "\n".join(OPENSSH) + "\n")
    repo.stage()

    code, out, err = _run(capsys, "--format", "json")
    doc = json.loads(out)
    assert env.requests, err
    sent = b"".join(req.body for req in env.requests)
    secrets = [p.secret for p in PLANTED] + PEM[1:-1] + OPENSSH[1:-1] + [dotenv_secret]
    leaked = [s for s in secrets if any(form in sent for form in _json_forms(s))]
    assert leaked == []
    assert b"[REDACTED:github-token]" in sent and b"[REDACTED:private-key]" in sent

    held = {nr["path"]: nr["reason"] for nr in doc["not_reviewed"]}
    assert held == {
        ".env": "never sent: matches never-send glob '.env*'",
        "deploy/id_rsa": "never sent: matches never-send glob 'id_rsa*'",
        "certs/server.pem": "never sent: matches never-send glob '*.pem'",
    }
    assert sorted(doc["files"]) == ["app.py", "legacy.py"]
    # Findings are anchored on the real file's lines: the secret line itself,
    # and the line after the key block.
    found = {(f["path"], f["line"], f["severity"]) for f in doc["findings"]}
    assert found == {("app.py", len(new) + 2, "high"), ("app.py", len(app), "medium")}
    assert code == 1
    kinds = {p.kind for p in PLANTED} | {"private-key"}
    assert set(doc["redacted"]) == kinds
    assert sum(doc["redacted"].values()) == len(PLANTED) + len(old) + 1 + 1

    code, out, _ = _run(capsys)
    total = sum(doc["redacted"].values())
    assert re.search(
        rf"\n  secrets: {total} values replaced before sending \(\d+ anthropic-api-key, \d+ aws",
        out,
    )
    assert "not reviewed: .env (never sent: matches never-send glob '.env*')" in out


def test_never_send_and_redact_settings(
    repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = "ghp_" + tok(36)
    repo.write(
        "commitgate.toml",
        'never-send = ["secrets/**", "!.env.example"]\nredact = false\n',
    )
    repo.write(".env.example", "API_URL=https://example.com\n")
    repo.write("secrets/prod.txt", "db password: hunter2\n")
    repo.write("app.py", f"token = '{secret}'\n")
    repo.stage()
    code, out, err = _run(capsys, "--format", "json")
    doc = json.loads(out)
    assert code == 0, err
    assert {nr["path"]: nr["reason"] for nr in doc["not_reviewed"]} == {
        "secrets/prod.txt": "never sent: matches never-send glob 'secrets/**'"
    }
    assert sorted(doc["files"]) == [".env.example", "app.py", "commitgate.toml"]
    # redact = false sends what is there, as asked.
    assert secret.encode() in env.posts[0].body and doc["redacted"] == {}


def test_dry_run_counts_what_would_be_redacted(
    repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("app.py", f"key = 'AIza{tok(35)}'\n")
    repo.stage()
    code, out, _ = _run(capsys, "--dry-run")
    assert code == 0 and env.requests == []
    assert "secrets: 1 value replaced before sending (1 google-api-key)" in out


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_context_beside_the_change_is_redacted_too(
    repo: GitRepo, env: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    """What travels beside a file (its existing tests, the change behind a
    commit message) leaves the machine too: it is redacted the same way."""
    token = "ghp_" + tok(36)
    repo.write("src/pricing.py", "def price(n):\n    return n * 2\n")
    repo.write("tests/test_pricing.py", f'TOKEN = "{token}"\n\ndef test_price():\n    pass\n')
    repo.stage()
    repo.commit()
    repo.write("src/pricing.py", "def price(n):\n    return n * 3\n")
    repo.stage()
    assert _run(capsys, "--profile", "tests")[0] == 0
    sent = b"".join(r.body for r in env.posts)
    assert b"### EXISTING TEST" in sent
    assert token.encode() not in sent and b"[REDACTED:github-token]" in sent

    repo.write("src/pricing.py", f'TOKEN = "{token}"\ndef price(n):\n    return n * 4\n')
    repo.stage()
    message = repo.path / ".git" / "COMMIT_EDITMSG"
    message.write_text(f"Quadruple prices, with {token}\n")
    before = len(env.posts)
    assert main(["commit-msg", str(message)]) == 0
    sent = b"".join(r.body for r in env.posts[before:])
    assert b"Quadruple prices" in sent
    assert token.encode() not in sent


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ('password = "correct horse battery staple"', "password"),
        ('DB_PASSWORD="hunter2-super-secret-pw"', "password"),
        ("'client_secret': 'my app secret'", "secret"),
        ('api_key = "test key"', "secret"),
    ],
)
def test_a_name_that_is_a_secret_holds_one_whatever_it_reads_like(line: str, kind: str) -> None:
    """A placeholder where there was a label costs nothing; a passphrase of
    ordinary words, sent, costs a great deal."""
    out = r.redact("app.py", [line])
    assert out.found == Counter({kind: 1})
    assert f"[REDACTED:{kind}]" in out.lines[0]


@pytest.mark.parametrize(
    "line",
    [
        'password = ""',
        'password = "${DB_PASSWORD}"',
        'password = "DB_PASSWORD"',
        "password: true",
        'password_label = "Password"',
        'token_type = "Bearer"',
        'credentials: "include"',
    ],
)
def test_what_is_not_a_secret_even_under_its_name(line: str) -> None:
    assert r.redact("app.py", [line]).found == Counter()
