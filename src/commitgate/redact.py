"""Secrets out of what is sent: values that look like keys, tokens or
passwords are replaced, where they stand, by a placeholder naming their kind,
e.g. `[REDACTED:github-token]`.

Lines are never added or removed, so every line keeps its number and findings
are anchored exactly as if nothing had been redacted. Only the values go: the
code around them stays, so the model can still see (and report) that a secret
is hard-coded. What was found is counted by kind; values are never kept.

Where precision and recall pull apart, this leans to redacting: a placeholder
costs the review little, a leaked key costs a rotation. But it must not blank
ordinary code, so:
- an assignment to a secret-sounding name (`password = "..."`) is redacted in
  code only when its value is a string literal (`password = get_password()`
  is code, not a secret), and the value must look like one: no white space,
  not a reference or template (`${VAR}`, `{{ x }}`, `<your-key>`), not a
  variable's name, not words (`"Bearer"`, `"V1SecretReference"`; see
  name_like, which lets about 2% of random 20-character tokens through);
- bare high-entropy strings are redacted only in KEY=VALUE files (`.env`,
  `.properties`, `.ini`...). Hashes elsewhere (git SHAs, npm `integrity`,
  `go.sum`, `poetry.lock` digests) are not secrets and are left alone; the
  price is that a random-looking secret assigned to an innocent name in code
  (`x = "q8Zt..."`) is sent unless it has a provider's recognisable shape.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import math
import posixpath
import re
from collections import Counter
from collections.abc import Sequence
from typing import Callable, NamedTuple

from commitgate.change import ChangedFile


def placeholder(kind: str) -> str:
    return f"[REDACTED:{kind}]"


class Redacted(NamedTuple):
    lines: tuple[str, ...]
    found: Counter[str]  # how many values of each kind were replaced
    # Lines (from 1) after which a private key block is still open: removed
    # lines of a hunk that starts there are key material too.
    key_lines: frozenset[int] = frozenset()


class Rule(NamedTuple):
    kind: str
    # Cheap pre-filter: the regex runs only if one of these is in the text
    # (in the lower-cased text when `lower`).
    keywords: tuple[str, ...]
    pattern: re.Pattern[str]  # the value is the group named "s"
    check: Callable[[str], bool] | None = None
    lower: bool = False
    only_in: Callable[[str], bool] | None = None  # which paths it applies to


# ---- what a secret value looks like -----------------------------------------

_LETTERS = re.compile(r"[A-Za-z]+(?:[-_. /:][A-Za-z]+)*:?")
_ENV_NAME = re.compile(r"[A-Z]+(?:_[A-Z0-9]+)*")
# Versions, addresses, OIDs, dates and times, colours.
_NUMBERS = re.compile(
    r"[0-9]+(?:\.[0-9]+)+|[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9:.]+)?Z?|(?:\w+:)?#[0-9a-fA-F]{3,8}"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PATH_START = ("/", "./", "../", "~/")
_FILE_END = re.compile(r"\.[A-Za-z]{1,5}\Z")
_TEMPLATE = ("${", "{{", "%(", "%s", "#{", "<%", "...", "\u2026")
# What documentation writes where a URL's password goes.
_SAMPLE_PASSWORDS = frozenset(("password", "passwd", "pass", "pwd", "secret"))
# The pieces of a name: camelCase humps, runs of capitals, runs of digits,
# and single other characters.
_PIECES = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+|.", re.DOTALL)
_SEPARATORS = frozenset("-_./:=,<>+@~#[]()")
_WORD = re.compile(r"(?:[^aeiou]{0,4}[aeiou]+)+[^aeiou]{0,4}", re.IGNORECASE)


def entropy(s: str) -> float:
    """Shannon entropy of the characters of s, in bits per character."""
    n = len(s)
    return -sum(c / n * math.log2(c / n) for c in Counter(s).values()) if n else 0.0


def _random(s: str) -> bool:
    """Letters and digits mixed, as in a generated token."""
    return any(c.isdigit() for c in s) and any(c.isalpha() for c in s)


def name_like(value: str, words: int = 1) -> bool:
    """Whether `value` reads as names (at least `words` pronounceable words of
    three letters or more) rather than as random characters:
    `V1SecretReference`, `types-auth0-python`, `projects/p/secrets/s` are
    names. A generated token soon fails: lone letters between capitals or
    digits, long numbers, consonant clusters no word has. Measured on random
    tokens, about 2% of 20 characters and 0.1% of 32 pass for names."""
    if not any(c.islower() for c in value) and any(c.isdigit() for c in value):
        return False  # base32 and the like: "JBSWY3DPEHPK3PXP"
    found = numbers = shorts = letters = total = 0
    for piece in _PIECES.findall(value):
        if piece in _SEPARATORS:
            continue
        total += len(piece)
        if piece.isdigit():
            numbers += 1
            if len(piece) > 4:
                return False
        elif not (piece.isascii() and piece.isalpha()):
            return False
        elif piece.isupper() and len(piece) <= 4:
            letters += len(piece) * (len(piece) > 1)  # ID, URL, HTTP
        elif len(piece) - piece[0].isupper() < 2:
            shorts += 1  # "a", "Xy"
        elif len(piece) < 3:
            letters += len(piece)
        elif _WORD.fullmatch(piece):
            found += 1
            letters += len(piece)
        else:
            shorts += 1
    return found >= words and numbers <= 2 and shorts <= 1 and 2 * letters >= total


def given(value: str) -> bool:
    """Whether a value assigned to a secret's own name is one, rather than
    nothing, a placeholder, a template or a reference to where it lives."""
    if len(value.strip()) < 4 or "[REDACTED:" in value or len(set(value)) <= 2:
        return False  # "", "x", "****", "xxxxxx"
    if value[0] in "$%{<" or any(t in value for t in _TEMPLATE):
        return False  # "${DB_PASSWORD}", "%(password)s", "{{ secret }}", "<password>"
    if value.lower() in ("true", "false", "null", "none", "required", "optional"):
        return False
    return _ENV_NAME.fullmatch(value) is None  # "DB_PASSWORD" names the variable


def plausible(value: str, words: int = 1) -> bool:
    """Whether an assigned value could be a secret rather than a name, a
    reference, a path or a placeholder. `words`: how many words a value needs
    to be taken for a name (more for passwords, which are often a word and a
    number: "Summer2024")."""
    if not 6 <= len(value) <= 1000 or "[REDACTED:" in value:
        return False
    if any(c.isspace() for c in value) or value[0] in "$%{<!&*|>@#-^~=":
        return False  # prose, references, YAML tags and blocks, flags, versions
    if any(t in value for t in _TEMPLATE) or len(set(value)) <= 2:
        return False  # templates, elisions ("sk-..."), "xxxxxx"
    if _LETTERS.fullmatch(value) and not (
        len(value) >= 20 and value.lower() != value and entropy(value) >= 3.8
    ):
        return False  # "Bearer", "client_credentials", "changeme"
    if name_like(value, words) or _ENV_NAME.fullmatch(value):
        return False  # "V1SecretReference"; "DB_PASSWORD" names the variable
    if (value.isdigit() and len(value) < 12) or _NUMBERS.fullmatch(value):
        return False  # ports, lifetimes, token limits
    if _EMAIL.fullmatch(value) or value.startswith(_PATH_START) or "://" in value:
        return False  # URLs are checked for credentials on their own
    return not ("/" in value and _FILE_END.search(value))


def _high_entropy(value: str) -> bool:
    if len(value) < 20 or not plausible(value):  # a name is a name, even here
        return False
    if re.fullmatch(r"[0-9a-fA-F]+", value):
        return entropy(value) >= 3.0
    return entropy(value) >= 3.5 and (_random(value) or entropy(value) >= 4.3)


# ---- which files are KEY=VALUE configuration --------------------------------

_ENV_SUFFIXES = (".env", ".properties", ".ini", ".cfg", ".conf", ".envrc")
_CONFIG_SUFFIXES = (
    *_ENV_SUFFIXES,
    ".yaml",
    ".yml",
    ".toml",
    ".sh",
    ".bash",
    ".zsh",
    ".tfvars",
    ".hcl",
)


def is_env_file(path: str) -> bool:
    """A file of KEY=VALUE lines, where a long random value is a secret."""
    name = posixpath.basename(path).lower()
    return name.startswith(".env") or name.endswith(_ENV_SUFFIXES)


def is_config_file(path: str) -> bool:
    """A file where `password: value` needs no quotes to be a value."""
    name = posixpath.basename(path).lower()
    return (
        name.startswith((".env", "dockerfile", "docker-compose"))
        or name.endswith(_CONFIG_SUFFIXES)
        or "." not in name.lstrip(".")  # extensionless scripts and configs
    )


# ---- the rules, most specific first -----------------------------------------

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
_SECRET_KEYWORDS = ("passw", "passphrase", "pwd", "secret", "token", "key", "auth", "credential")
_SECRET_NAME = (
    r"(?:passw(?:or)?d|passphrase|\bpwd|secret|token(?!iz)|api[_.-]?key|"
    r"access[_.-]?key|private[_.-]?key|auth(?!or)|credential)"
)
# A name that can only hold a secret, ending where the assignment starts
# (`password = `, `"client_secret": `, `API_KEY=`), not one that goes on
# (`password_label`). Not token, auth or credentials: `"js-tokens": "^4.0"`,
# `auth: true` and fetch's `credentials: "include"` are everyday code.
_NAME_TAIL = re.compile(
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
        _random,
    ),
    _rule("vercel-api-key", ("vck_",), r"\b(?P<s>vck_[A-Za-z0-9_-]{20,})"),
    _rule("npm-token", ("npm_",), r"\b(?P<s>npm_[A-Za-z0-9]{36})" + _END),
    _rule("pypi-token", ("pypi-AgE",), r"\b(?P<s>pypi-AgE[A-Za-z0-9_-]{50,})"),
    _rule("huggingface-token", ("hf_",), r"\b(?P<s>hf_[A-Za-z0-9]{34,})" + _END, _random),
    _rule("twilio-api-key", ("SK",), r"\b(?P<s>SK[0-9a-fA-F]{32})\b", _random),
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
        r"""\b[A-Za-z][A-Za-z0-9+.-]{1,30}://[^\s:/?#@"'<>]{1,200}:"""
        r"""(?P<s>[^\s/?#@"'<>]{1,300})@""",
        lambda v: v[0] not in "$%{<*" and len(set(v)) > 1 and v.lower() not in _SAMPLE_PASSWORDS,
    ),
    _rule(
        "bearer-token",
        ("bearer", "basic"),
        r"\b(?:bearer|basic)[ \t]+(?P<s>[A-Za-z0-9._~+/-]{16,}=*)",
        lambda v: _random(v) and plausible(v),
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
        _high_entropy,
        only_in=is_env_file,
    ),
)


# ---- private key blocks -----------------------------------------------------

_PEM_BEGIN = re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")
_PEM_END = re.compile(r"-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")
# A line of a key's body, bare or as a string literal in code
# (`"MIIE...\n" +`), or an armour header (`Proc-Type: 4,ENCRYPTED`), or blank.
_PEM_BODY = re.compile(
    r"""[ \t]*["'`]?[ \t]*(?:[A-Za-z0-9+/=]+|[A-Za-z-]+: .*)?"""
    r"""(?:\\r)?(?:\\n)?["'`]?[ \t]*[+,;)\\]*[ \t]*"""
)
_PEM_HEADER = re.compile(r"""[ \t]*["'`]?[A-Za-z-]+: """)
# Key material: not a lone `+` (a concatenation) nor the `n` of an escaped `\n`.
_B64_RUN = re.compile(r"(?<!\\)[A-Za-z0-9+/=]*[A-Za-z0-9][A-Za-z0-9+/=]*")
_LONG_RUN = re.compile(r"(?<!\\)[A-Za-z0-9+/=]{16,}")
_LEAD = re.compile(r"(?:\\[rn]|[ \t])*")
_TRAIL = re.compile(r"(?:\\[rn]|[ \t])*\Z")

_KEY = placeholder("private-key")
_PASSWORD = re.compile("passw|passphrase|pwd", re.IGNORECASE)


def _key_body(text: str) -> str:
    return _B64_RUN.sub(_KEY, text)


def _key_span(middle: str) -> str:
    """The body between BEGIN and END on one line (a JSON string, say),
    keeping its escaped line breaks at either end."""
    lead, trail = _LEAD.match(middle), _TRAIL.search(middle)
    head = lead.end() if lead else 0
    tail = max(head, trail.start() if trail else len(middle))
    return middle[:head] + (_KEY if tail > head else "") + middle[tail:]


def _private_keys(lines: list[str], in_block: bool) -> tuple[list[str], int, frozenset[int]]:
    out: list[str] = []
    found = 0
    counted = False  # this block's key was counted
    open_after: set[int] = set()
    for i, line in enumerate(lines):
        if in_block:
            end = _PEM_END.search(line)
            if end is not None:
                body = line[: end.start()]
                # Before END, the last of the body, or code that names END.
                if _PEM_BODY.fullmatch(body) and _B64_RUN.search(body):
                    found += not counted
                    counted = True
                    line = _key_body(body) + line[end.start() :]
                out.append(line)
                in_block = False
                continue
            if _is_body(lines, i):
                if not _PEM_HEADER.match(line) and _B64_RUN.search(line):
                    found += not counted
                    counted = True
                    line = _key_body(line)
                out.append(line)
                open_after.add(i + 1)
                continue
            # Not key material after all (code that looks for a key, say):
            # the block is over, and this line is read as any other.
            in_block = False
        begin = _PEM_BEGIN.search(line)
        if begin is None:
            out.append(line)
            continue
        head, rest = line[: begin.end()], line[begin.end() :]
        end = _PEM_END.search(rest)
        if end is not None:
            middle = rest[: end.start()]
            if _LONG_RUN.search(middle):
                found += 1
                line = head + _key_span(middle) + rest[end.start() :]
            out.append(line)
            continue
        counted = _LONG_RUN.search(rest) is not None
        found += counted
        out.append(head + _LONG_RUN.sub(_KEY, rest))
        in_block = True
        open_after.add(i + 1)
    return out, found, frozenset(open_after)


def _is_body(lines: list[str], i: int) -> bool:
    """Whether lines[i] can be part of a key's body. A short line (the last
    of a body, or a blank one) only if key material or the END line follows:
    so that `pass` after code that mentions a BEGIN line stays code."""
    for line in lines[i:]:
        if _PEM_END.search(line):
            return True
        if not _PEM_BODY.fullmatch(line):
            return False
        if _PEM_HEADER.match(line) or _LONG_RUN.search(line):
            return True
    return False


# ---- the whole of it --------------------------------------------------------


def redact(path: str, lines: Sequence[str], *, in_key_block: bool = False) -> Redacted:
    """`lines` of the file at `path` with every secret value replaced.

    `in_key_block`: the lines continue a private key block opened before them
    (removed lines in the middle of a key)."""
    found: Counter[str] = Counter()
    work = list(lines)
    text = "\n".join(work)
    key_lines: frozenset[int] = frozenset()
    if in_key_block or "PRIVATE KEY" in text:
        work, keys, key_lines = _private_keys(work, in_key_block)
        if keys:
            found["private-key"] = keys
            text = "\n".join(work)
    # Every rule is tried only on the lines that hold one of its keywords,
    # found by plain substring search: most rules never run at all, and the
    # others see a few lines, not the whole file.
    starts = _starts(work)
    lower, lower_starts = text.lower(), starts
    if len(lower) != len(text):  # some letters grow when lower-cased
        lowered = [line.lower() for line in work]
        lower, lower_starts = "\n".join(lowered), _starts(lowered)
    for rule in RULES:
        if rule.only_in is not None and not rule.only_in(path):
            continue
        rows = (
            _rows(lower, lower_starts, rule.keywords)
            if rule.lower
            else _rows(text, starts, rule.keywords)
        )
        if rows:
            replace = _replacer(rule, found)
            for i in sorted(rows):
                work[i] = rule.pattern.sub(replace, work[i])
    return Redacted(tuple(work), found, key_lines)


def _starts(lines: Sequence[str]) -> list[int]:
    return list(itertools.accumulate((len(line) + 1 for line in lines), initial=0))


def _rows(text: str, starts: list[int], keywords: tuple[str, ...]) -> set[int]:
    """The lines of `text` (starting at offsets `starts`) holding a keyword."""
    rows: set[int] = set()
    for k in keywords:
        at = text.find(k)
        while at != -1:
            row = bisect.bisect_right(starts, at) - 1
            rows.add(row)
            at = text.find(k, starts[row + 1])
    return rows


def _replacer(rule: Rule, found: Counter[str]) -> Callable[[re.Match[str]], str]:
    def replace(m: re.Match[str]) -> str:
        group = next(g for g in ("s", "s2", "s3", "u") if g in m.re.groupindex and m.group(g))
        value = m.group(group)
        if rule.kind == "secret":
            name = m.string[m.start() : m.start(group)]
            password = _PASSWORD.search(name) is not None
            # A name that *is* a secret (password, api_key, client_secret)
            # holds one whatever it reads like ("correct horse battery
            # staple"): a placeholder where there was a label costs nothing,
            # a password sent costs a great deal. A name that only mentions
            # one (password_label, token_type) holds a secret only if the
            # value looks like one.
            exact = _NAME_TAIL.match(name) is not None
            if not (given(value) if exact else plausible(value, 2 if password else 1)):
                return m.group()
            kind = "password" if password else "secret"
        else:
            if "[REDACTED:" in value or (rule.check is not None and not rule.check(value)):
                return m.group()
            kind = rule.kind
        found[kind] += 1
        start, end = m.span(group)
        whole = m.group()
        at = m.start()
        return whole[: start - at] + placeholder(kind) + whole[end - at :]

    return replace


def redact_file(f: ChangedFile) -> tuple[ChangedFile, Counter[str]]:
    """The file as it may be sent: its lines and its removed lines redacted."""
    new = redact(f.path, f.lines)
    found = Counter(new.found)
    hunks = []
    for h in f.hunks:
        if h.removed:
            # The line before the gap: if a key block is open there, the
            # removed lines are part of its body.
            before = h.new_start - 1 if h.new_count else h.new_start
            old = redact(f.path, h.removed, in_key_block=before in new.key_lines)
            found += old.found
            h = h._replace(removed=old.lines)
        hunks.append(h)
    if not found:
        return f, found
    return dataclasses.replace(f, lines=new.lines, hunks=tuple(hunks)), found


def redact_files(files: Sequence[ChangedFile]) -> tuple[list[ChangedFile], Counter[str]]:
    """Copies of the files with their secrets replaced, and what was replaced."""
    out = []
    found: Counter[str] = Counter()
    for f in files:
        clean, kinds = redact_file(f)
        out.append(clean)
        found += kinds
    return out, found
