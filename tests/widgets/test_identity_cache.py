"""The per-object caches of the table (search texts) and the jobs pane ($ estimates): by identity, and
an id in the cache never belongs to another object."""

from __future__ import annotations

import gc

from dashboard.models import Job
from widgets._table_model import IdentityCache


def test_equal_objects_have_their_own_values() -> None:
    a, b = Job(project="p", job_id="j"), Job(project="p", job_id="j")
    assert a == b
    cache: IdentityCache[str] = IdentityCache()
    cache.put(a, "first")
    assert cache.get(a) == "first"
    assert cache.get(b) is None
    assert cache.get(b, "missing") == "missing"
    cache.put(b, "second")
    assert (cache.get(a), cache.get(b), len(cache)) == ("first", "second", 2)


def test_a_none_value_is_a_value() -> None:
    job = Job(project="p", job_id="j")
    cache: IdentityCache[float | None] = IdentityCache()
    marker = object()
    assert cache.get(job, marker) is marker
    cache.put(job, None)
    assert cache.get(job, marker) is None


def test_an_object_given_up_elsewhere_is_kept_so_its_id_is_never_reused() -> None:
    cache: IdentityCache[str] = IdentityCache()
    for n in range(200):
        cache.put(Job(project="p", job_id=f"j{n}"), f"text {n}")  # nothing else refers to them
    gc.collect()
    fresh = [Job(project="p", job_id=f"new{n}") for n in range(200)]
    assert all(cache.get(job) is None for job in fresh)
    assert len(cache) == 200
    cache.put(fresh[0], "x")
    cache.put(fresh[0], "y")  # again: one entry, the object kept once
    assert (cache.get(fresh[0]), len(cache)) == ("y", 201)
    cache.clear()
    assert len(cache) == 0
    assert cache.get(fresh[0]) is None


def test_keep_only_the_rows_still_shown() -> None:
    old, kept, new = (Job(project="p", job_id=name) for name in ("old", "kept", "new"))
    cache: IdentityCache[str] = IdentityCache()
    cache.put(old, "o")
    cache.put(kept, "k")
    cache.keep_only([kept, new, kept])
    assert (cache.get(old), cache.get(kept), cache.get(new), len(cache)) == (None, "k", None, 1)
