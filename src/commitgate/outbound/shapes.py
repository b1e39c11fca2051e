"""What a secret value looks like, and which files hold KEY=VALUE
configuration: the judgements the redaction rules call on."""

from __future__ import annotations

import math
import posixpath
import re
from collections import Counter


def placeholder(kind: str) -> str:
    return f"[REDACTED:{kind}]"


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
SAMPLE_PASSWORDS = frozenset(("password", "passwd", "pass", "pwd", "secret"))
# The pieces of a name: camelCase humps, runs of capitals, runs of digits,
# and single other characters.
_PIECES = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+|.", re.DOTALL)
_SEPARATORS = frozenset("-_./:=,<>+@~#[]()")
_WORD = re.compile(r"(?:[^aeiou]{0,4}[aeiou]+)+[^aeiou]{0,4}", re.IGNORECASE)


def entropy(s: str) -> float:
    """Shannon entropy of the characters of s, in bits per character."""
    n = len(s)
    return -sum(c / n * math.log2(c / n) for c in Counter(s).values()) if n else 0.0


def random_like(s: str) -> bool:
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


def high_entropy(value: str) -> bool:
    if len(value) < 20 or not plausible(value):  # a name is a name, even here
        return False
    if re.fullmatch(r"[0-9a-fA-F]+", value):
        return entropy(value) >= 3.0
    return entropy(value) >= 3.5 and (random_like(value) or entropy(value) >= 4.3)


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
