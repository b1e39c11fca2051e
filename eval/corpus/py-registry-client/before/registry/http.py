"""HTTP access to the artifact registry."""

from __future__ import annotations

import json
from typing import Any

from urllib3 import PoolManager, Timeout
from urllib3.util.retry import Retry

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


class RegistryError(Exception):
    def __init__(self, status: int, url: str) -> None:
        super().__init__(f"{url}: HTTP {status}")
        self.status = status


def make_pool(retries: int = 3, backoff: float = 0.3) -> PoolManager:
    retry = Retry(
        total=retries,
        backoff_factor=backoff,
        status_forcelist=RETRY_STATUSES,
        method_whitelist=IDEMPOTENT,
        raise_on_status=False,
    )
    return PoolManager(
        retries=retry,
        timeout=Timeout(connect=3.0, read=30.0),
        headers={"User-Agent": "registry-sync/1.4"},
    )


def fetch_manifest(pool: PoolManager, base_url: str, name: str, tag: str) -> dict[str, Any]:
    url = f"{base_url.rstrip('/')}/v2/{name}/manifests/{tag}"
    resp = pool.request("GET", url, headers={"Accept": "application/json"})
    if resp.status != 200:
        raise RegistryError(resp.status, url)
    content_type = resp.getheader("Content-Type") or ""
    if "json" not in content_type:
        raise RegistryError(415, url)
    return json.loads(resp.data.decode("utf-8"))
