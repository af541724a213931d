"""The process-local cache tier is bounded by the bytes it holds, not only by its entries."""

from django.core.cache import caches

from common.local_cache import SizedLocMemCache


def sized(max_bytes: int, *, entries: int = 10_000, name: str = "test-sized") -> SizedLocMemCache:
    cache = SizedLocMemCache(name, {"OPTIONS": {"MAX_ENTRIES": entries, "MAX_BYTES": max_bytes}})
    cache.clear()
    return cache


def test_filling_the_cache_far_beyond_its_budget_keeps_it_under_the_budget():
    cache = sized(200_000)
    page = "x" * 10_000  # about 10 KB pickled, like a compressed page
    for n in range(500):  # 5 MB offered
        cache.set(f"page:{n}", page)
        assert cache.total_bytes <= 200_000
    held = [n for n in range(500) if cache.get(f"page:{n}") is not None]
    # The most recently stored are kept, the oldest dropped; the count matches the budget.
    assert held == list(range(500 - len(held), 500))
    assert 15 <= len(held) <= 20
    assert cache.total_bytes == sum(len(cache._cache[key]) for key in cache._cache)


def test_a_read_entry_is_kept_before_entries_not_read_since():
    cache = sized(50_000)
    for n in range(4):
        cache.set(f"k{n}", "y" * 10_000)
    cache.get("k0")
    cache.set("k4", "y" * 10_000)
    cache.set("k5", "y" * 10_000)
    assert cache.get("k0") is not None
    assert cache.get("k1") is None


def test_a_value_larger_than_the_whole_budget_is_not_kept_and_replaces_nothing_stale():
    cache = sized(5_000)
    cache.set("small", "s")
    cache.set("big", "old")
    cache.set("big", "z" * 10_000)
    assert cache.get("big") is None  # never the old value under a key just written
    assert cache.get("small") == "s"
    assert cache.total_bytes == len(cache._cache[cache.make_key("small")])


def test_deleting_clearing_culling_and_counting_keep_the_size_right():
    cache = sized(1_000_000, entries=10)
    for n in range(25):  # past MAX_ENTRIES: LocMemCache culls a third at a time
        cache.set(f"e{n}", "v" * 100)
    assert len(cache._cache) <= 10
    cache.delete("e24")
    cache.set("n", 1)
    cache.incr("n", 10**30)
    assert cache.get("n") == 10**30 + 1
    assert cache.total_bytes == sum(len(value) for value in cache._cache.values())
    cache.clear()
    assert cache.total_bytes == 0


def test_the_site_s_local_tier_is_the_sized_cache(settings):
    assert isinstance(caches["local"], SizedLocMemCache)
    assert caches["local"].max_bytes == settings.CACHES["local"]["OPTIONS"]["MAX_BYTES"]
