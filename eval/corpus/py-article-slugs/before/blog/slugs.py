"""URL slugs for article titles."""

from __future__ import annotations

import re
from typing import Container

MAX_LENGTH = 60
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(title: str, max_length: int = MAX_LENGTH) -> str:
    """Lower-case ASCII words joined by single dashes."""
    slug = title.strip().lower()
    slug = re.sub(r"[^a-z0-9]", "-", slug)
    return slug[:max_length]


def is_valid_slug(slug: str) -> bool:
    return len(slug) <= MAX_LENGTH and bool(SLUG_RE.match(slug))


def unique_slug(title: str, taken: Container[str], max_length: int = MAX_LENGTH) -> str:
    """A slug for ``title`` not in ``taken``: the plain slug, else slug-2, slug-3, ..."""
    base = slugify(title, max_length) or "untitled"
    if base not in taken:
        return base
    n = 2
    while True:
        suffix = f"-{n}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        n += 1
