"""Import contacts from the CSV export of the old CRM."""

from __future__ import annotations

import csv
from dataclasses import dataclass

REQUIRED = {"email", "first_name", "last_name"}


class ContactImportError(Exception):
    pass


@dataclass(frozen=True)
class Contact:
    email: str
    first_name: str
    last_name: str
    company: str = ""


def _parse_row(line: int, row: dict[str, str]) -> Contact:
    email = (row.get("email") or "").strip().lower()
    if "@" not in email:
        raise ContactImportError(f"line {line}: invalid email {email!r}")
    return Contact(
        email=email,
        first_name=(row.get("first_name") or "").strip(),
        last_name=(row.get("last_name") or "").strip(),
        company=(row.get("company") or "").strip(),
    )


def load_contacts(path: str) -> list[Contact]:
    """Read and validate every row; raises ContactImportError on the first bad one."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = REQUIRED - set(reader.fieldnames or ())
        if missing:
            raise ContactImportError(f"missing columns: {', '.join(sorted(missing))}")
        return [_parse_row(n, row) for n, row in enumerate(reader, start=2)]


def dedupe(contacts: list[Contact]) -> list[Contact]:
    seen: set[str] = set()
    unique = []
    for contact in contacts:
        if contact.email not in seen:
            seen.add(contact.email)
            unique.append(contact)
    return unique
