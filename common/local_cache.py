"""A process-local cache bounded by the bytes it holds, not only by its number of entries.

Each process keeps copies of cached pages and figures in front of the shared cache
(common.data_version). Django's LocMemCache limits only how many entries it keeps
(MAX_ENTRIES): 2 000 entries of a 150 KB page are 300 MB in every gunicorn worker. This one
also limits their total size (OPTIONS["MAX_BYTES"], the pickled values' lengths): storing past
the budget drops the least recently used entries first, and a value larger than the whole budget
is not kept at all (the shared cache still has it).

Domain-free: used through settings.CACHES only.
"""

from collections import defaultdict

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache

DEFAULT_MAX_BYTES = 32 * 1024 * 1024

# Per LOCATION, like LocMemCache's own storage: every cache object of one name shares them.
_sizes: dict[str, dict[str, int]] = defaultdict(dict)
_totals: dict[str, list[int]] = defaultdict(lambda: [0])


class SizedLocMemCache(LocMemCache):
    """LocMemCache with a byte budget (OPTIONS["MAX_BYTES"]) besides MAX_ENTRIES."""

    def __init__(self, name, params):
        super().__init__(name, params)
        options = params.get("OPTIONS", {})
        self.max_bytes = int(options.get("MAX_BYTES", DEFAULT_MAX_BYTES))
        self._sizes = _sizes[name]
        self._total = _totals[name]

    @property
    def total_bytes(self) -> int:
        """The pickled size of every entry held now."""
        return self._total[0]

    def _set(self, key, value, timeout=DEFAULT_TIMEOUT):
        # Called with the lock held and `value` pickled (LocMemCache.set and .add).
        size = len(value)
        self._forget(key)
        if size > self.max_bytes:
            self._delete(key)
            return
        super()._set(key, value, timeout)
        self._sizes[key] = size
        self._total[0] += size
        while self._total[0] > self.max_bytes and len(self._cache) > 1:
            oldest, _pickled = self._cache.popitem()  # the least recently used (LocMemCache)
            self._expire_info.pop(oldest, None)
            self._forget(oldest)

    def incr(self, key, delta=1, version=None):
        # LocMemCache writes the new number in place, keeping its expiry: only the size moves.
        value = super().incr(key, delta, version)
        stored = self.make_and_validate_key(key, version=version)
        with self._lock:
            if stored in self._cache:
                self._forget(stored)
                self._sizes[stored] = len(self._cache[stored])
                self._total[0] += self._sizes[stored]
        return value

    def _cull(self):
        # LocMemCache's MAX_ENTRIES limit: drop entries through _delete so sizes follow.
        if self._cull_frequency == 0:
            self._clear_held()
            return
        for _ in range(len(self._cache) // self._cull_frequency):
            oldest, _pickled = self._cache.popitem()
            self._expire_info.pop(oldest, None)
            self._forget(oldest)

    def _delete(self, key):
        self._forget(key)
        return super()._delete(key)

    def clear(self):
        with self._lock:
            self._clear_held()

    def _clear_held(self):
        self._cache.clear()
        self._expire_info.clear()
        self._sizes.clear()
        self._total[0] = 0

    def _forget(self, key) -> None:
        self._total[0] -= self._sizes.pop(key, 0)
