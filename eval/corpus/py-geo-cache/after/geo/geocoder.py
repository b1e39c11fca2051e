"""Address lookups through the external geocoding API, cached in process."""

from __future__ import annotations

from typing import Callable, Optional, Tuple

from geo.cache import LRUCache

Point = Tuple[float, float]
Lookup = Callable[[str], Optional[Point]]


def _normalise(address: str) -> str:
    return " ".join(address.lower().split())


class Geocoder:
    """``cache_ttl`` is in seconds; the provider's terms allow caching results for 30 days."""

    def __init__(
        self, lookup: Lookup, cache_size: int = 4096, cache_ttl: float | None = 7 * 24 * 3600
    ) -> None:
        self._lookup = lookup
        self._cache: LRUCache[str, Point] = LRUCache(cache_size, ttl=cache_ttl)

    def locate(self, address: str) -> Point | None:
        """Coordinates for ``address``; unknown addresses are not cached."""
        key = _normalise(address)
        if not key:
            return None
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        point = self._lookup(key)
        if point is not None:
            self._cache.put(key, point)
        return point

    def stats(self) -> dict[str, int]:
        return {"hits": self._cache.hits, "misses": self._cache.misses, "size": len(self._cache)}
