"""The redaction rules, most specific first: the shapes of known tokens,
passwords in URLs and headers, assignments to secret-sounding names, and
long random values in KEY=VALUE files. No pattern here ever matches a line
break: that is what keeps every line in its place."""

from __future__ import annotations

import re
from typing import Callable, NamedTuple

from commitgate.outbound.shapes import (
    SAMPLE_PASSWORDS,
    given,
    high_entropy,
    is_config_file,
    is_env_file,
    plausible,
    random_like,
)


class Rule(NamedTuple):
    kind: str
    # Cheap pre-filter: the regex runs only if one of these is in the text
    # (in the lower-cased text when `lower`).
    keywords: tuple[str, ...]
    pattern: re.Pattern[str]  # the value is the group named "s"
    check: Callable[[str], bool] | None = None
    lower: bool = False
    only_in: Callable[[str], bool] | None = None  # which paths it applies to


# Where a token ends: not followed by more of its characters.
_END = r"(?![A-Za-z0-9_-])"
_ASSIGN = r"""["'\]]{0,2}[ \t]*(?:===?|!==?|:=|=>|=|:)[ \t]*"""
# A string literal's content, escapes included; no newline, ever, in any
# pattern here: that is what keeps every line in its place.
_QUOTED = (
    r""""(?P<s>(?:[^"\\\n]|\\.){1,1000})"|"""
    r"""'(?P<s2>(?:[^'\\\n]|\\.){1,1000})'|"""
    r"""`(?P<s3>[^`\n]{1,1000})`"""
)
_SECRET_KEYWORDS = ("pass", "pwd", "secret", "token", "key", "auth", "credential")
_SECRET_NAME = (
    r"(?:passw(?:or)?d|passphrase|\bpwd|secret|token(?!iz)|api[_.-]?key|"
    r"access[_.-]?key|private[_.-]?key|auth(?!or)|credential|"
    # A bare `pass` only as a field being given a value (Go's `Pass: "..."`),
    # never the statement or a longer word (`passenger`).
    r"\bpass(?=[\"'\]]{0,2}[ \t]*(?::=|=>|=|:)))"
)
# A name that can only hold a secret, ending where the assignment starts
# (`password = `, `"client_secret": `, `API_KEY=`), not one that goes on
# (`password_label`). Not token, auth or credentials: `"js-tokens": "^4.0"`,
# `auth: true` and fetch's `credentials: "include"` are everyday code.
NAME_TAIL = re.compile(
    r"(?:passw(?:or)?d|passphrase|\bpwd|secret|api[_.-]?key|access[_.-]?key|private[_.-]?key)"
    + _ASSIGN,
    re.IGNORECASE,
)


def _rule(
    kind: str,
    keywords: tuple[str, ...],
    pattern: str,
    check: Callable[[str], bool] | None = None,
    *,
    flags: int = 0,
    lower: bool = False,
    only_in: Callable[[str], bool] | None = None,
) -> Rule:
    return Rule(kind, keywords, re.compile(pattern, flags), check, lower, only_in)


RULES: tuple[Rule, ...] = (
    _rule(
        "aws-access-key-id",
        ("AKIA", "ASIA", "ABIA", "ACCA", "A3T"),
        r"\b(?P<s>(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16})\b",
    ),
    _rule(
        "aws-secret-access-key",
        ("aws",),
        r"aws[\w.-]{0,30}?(?:secret|sak)[\w.-]{0,30}" + _ASSIGN + r"""["']?"""
        r"(?P<s>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
        flags=re.IGNORECASE,
        lower=True,
    ),
    _rule(
        "github-token",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
        r"\b(?P<s>gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,251})\b",
    ),
    _rule(
        "gitlab-token",
        tuple(f"gl{p}-" for p in ("pat", "dt", "rt", "ptt", "soat", "cbt", "ft", "imt", "oas")),
        r"\b(?P<s>gl(?:pat|dt|rt|ptt|soat|cbt|ft|imt|oas)-[A-Za-z0-9_-]{20,})",
    ),
    _rule(
        "slack-token",
        ("xox", "xapp-"),
        r"\b(?P<s>xox[abposre]-[A-Za-z0-9-]{10,}|xapp-[0-9]-[A-Za-z0-9-]{10,})",
    ),
    _rule(
        "slack-webhook",
        ("hooks.slack.com",),
        r"hooks\.slack\.com/(?P<s>(?:services|workflows|triggers)/[A-Za-z0-9+/_-]{20,})",
    ),
    _rule(
        "stripe-key",
        ("k_live_", "k_test_", "k_prod_", "whsec_"),
        r"\b(?P<s>[sr]k_(?:live|test|prod)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9+/=]{24,})",
    ),
    _rule("google-api-key", ("AIza",), r"\b(?P<s>AIza[0-9A-Za-z_-]{35})" + _END),
    _rule("anthropic-api-key", ("sk-ant-",), r"\b(?P<s>sk-ant-[A-Za-z0-9_-]{20,})"),
    _rule(
        "openai-api-key",
        ("sk-",),
        r"\b(?P<s>sk-(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{20,}|sk-[A-Za-z0-9]{32,}"
        + _END
        + ")",
        random_like,
    ),
    _rule("vercel-api-key", ("vck_",), r"\b(?P<s>vck_[A-Za-z0-9_-]{20,})"),
    _rule("npm-token", ("npm_",), r"\b(?P<s>npm_[A-Za-z0-9]{36})" + _END),
    _rule("pypi-token", ("pypi-AgE",), r"\b(?P<s>pypi-AgE[A-Za-z0-9_-]{50,})"),
    _rule("huggingface-token", ("hf_",), r"\b(?P<s>hf_[A-Za-z0-9]{34,})" + _END, random_like),
    _rule("twilio-api-key", ("SK",), r"\b(?P<s>SK[0-9a-fA-F]{32})\b", random_like),
    _rule(
        "sendgrid-api-key",
        ("SG.",),
        r"\b(?P<s>SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})" + _END,
    ),
    _rule(
        "jwt",
        ("eyJ",),
        r"\b(?P<s>eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)",
    ),
    _rule(
        "url-password",
        ("://",),
        # The user name may be empty: `redis://:PASSWORD@host`.
        r"""\b[A-Za-z][A-Za-z0-9+.-]{1,30}://[^\s:/?#@"'<>]{0,200}:"""
        r"""(?P<s>[^\s/?#@"'<>]{1,300})@""",
        lambda v: v[0] not in "$%{<*" and len(set(v)) > 1 and v.lower() not in SAMPLE_PASSWORDS,
    ),
    # `password=` in a connection string or URL query (JDBC, ADO.NET, ODBC),
    # `--password=` on a command line: wherever it stands, no space around
    # `=` (`password = read()` is code, handled below).
    _rule(
        "password",
        ("passw", "pwd", "pass="),
        r"""(?:^|(?<=[?&;"'\s,(-]))(?:passw(?:or)?d|pwd|pass)=(?P<s>[^&;"'\s<>(){}\[\],]{1,500})""",
        lambda v: plausible(v, 2),
        flags=re.IGNORECASE,
        lower=True,
    ),
    _rule(
        "azure-storage-key",
        ("accountkey", "sharedaccesskey"),
        r"""(?:accountkey|sharedaccesskey)=(?P<s>[A-Za-z0-9+/]{20,}={0,2})""",
        flags=re.IGNORECASE,
        lower=True,
    ),
    # `curl -u user:PASSWORD`, in a shell line or as a list of arguments.
    _rule(
        "password",
        ("curl",),
        r"""\bcurl\b[^\n]*?(?:^|[\s"'\[(,])(?:-u|--user)(?:[ \t]+|=|["'][ \t]*,[ \t]*)["']?"""
        r"""[^\s:"'@]{1,200}:(?P<s>[^\s"'@]{1,300})""",
        given,
    ),
    # A kubeconfig's private key, base64 of a PEM block.
    _rule(
        "private-key",
        ("client-key-data",),
        r"""client-key-data["']?[ \t]*:[ \t]*["']?(?P<s>[A-Za-z0-9+/]{16,}={0,2})""",
    ),
    # An XML element whose name says it holds a secret: <password>...</password>.
    _rule(
        "secret",
        ("pass", "pwd", "secret", "token", "key"),
        r"""<(?P<tag>[\w:.-]*(?:passw(?:or)?d|pwd|secret|api[_.-]?key|token)[\w:.-]*)>"""
        r"""(?P<s>[^<\n]{1,500})</(?P=tag)>""",
        flags=re.IGNORECASE,
        lower=True,
    ),
    _rule(
        "bearer-token",
        ("bearer", "basic"),
        r"\b(?:bearer|basic)[ \t]+(?P<s>[A-Za-z0-9._~+/-]{16,}=*)",
        lambda v: random_like(v) and plausible(v),
        flags=re.IGNORECASE,
        lower=True,
    ),
    # Assignments to secret-sounding names, last: a value a rule above knew
    # is already a placeholder, and counted under its own kind. In code only
    # a string literal is a value (`password = read_password()` is code).
    _rule(
        "secret",
        _SECRET_KEYWORDS,
        _SECRET_NAME + r"[\w.-]*" + _ASSIGN + "(?:" + _QUOTED + ")",
        flags=re.IGNORECASE,
        lower=True,
        only_in=lambda path: not is_config_file(path),
    ),
    _rule(
        "secret",
        _SECRET_KEYWORDS,
        _SECRET_NAME
        + r"[\w.-]*"
        + _ASSIGN
        + "(?:"
        + _QUOTED
        + r"""|(?P<u>[^\s"'`,;#()]{1,1000}))""",
        flags=re.IGNORECASE,
        lower=True,
        only_in=is_config_file,
    ),
    _rule(
        "high-entropy",
        ("=", ":"),
        r"(?m)^[ \t]*(?:export[ \t]+)?[A-Za-z_][A-Za-z0-9_.-]*[ \t]*[=:][ \t]*"
        r"""(?P<q>["']?)(?P<s>[^\s"'#]{20,})(?P=q)[ \t]*(?:#.*)?$""",
        high_entropy,
        only_in=is_env_file,
    ),
)

# A name that names a password (for the placeholder's kind).
PASSWORD = re.compile(r"passw|passphrase|pwd|\bpass\b", re.IGNORECASE)
