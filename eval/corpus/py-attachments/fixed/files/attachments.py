"""Download handler for files attached to tickets."""

from __future__ import annotations

import mimetypes
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    headers: dict[str, str]


def _not_found() -> Response:
    return Response(404, b"not found", {"Content-Type": "text/plain"})


class AttachmentStore:
    def __init__(self, root: str, max_bytes: int = 25 * 1024 * 1024) -> None:
        self.root = os.path.abspath(root)
        self.max_bytes = max_bytes

    def resolve(self, name: str) -> str | None:
        """The path of attachment ``name`` (e.g. ``proj-7/spec.pdf``) inside the store,
        or None when it would point outside it."""
        if not name or name.startswith("/") or "\0" in name:
            return None
        path = os.path.normpath(os.path.join(self.root, name))
        if os.path.commonpath([self.root, path]) != self.root:
            return None
        return path

    def download(self, name: str) -> Response:
        path = self.resolve(name)
        if path is None or not os.path.isfile(path):
            return _not_found()
        if os.path.getsize(path) > self.max_bytes:
            return Response(413, b"attachment too large", {"Content-Type": "text/plain"})
        with open(path, "rb") as handle:
            body = handle.read()
        mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return Response(
            200,
            body,
            {
                "Content-Type": mime,
                "Content-Disposition": f'attachment; filename="{os.path.basename(path)}"',
            },
        )
