"""Equal values of parsed jobs are one object: names interned, texts and label sets shared (bounded)."""

from __future__ import annotations

import copy
from typing import Any

import msgspec

from dashboard.models import Job, JobsData
from dashboard.parsers import parse_poll
from dashboard.parsers.share import NO_LABELS, SharedCache, labels, text
from dashboard.sources.jobs.parse_list import job_from_resource

from .wire import history_query, load


def _fresh(value: Any) -> Any:
    """The same JSON decoded again: equal, but every string a new object (as each poll's are)."""
    return msgspec.json.decode(msgspec.json.encode(value))


def _history_jobs() -> tuple[Job, ...]:
    data = parse_poll("jobs", [history_query("acme-analytics", _fresh(load("history_page.json")))])
    assert isinstance(data, JobsData)
    return data.jobs


def test_two_polls_of_the_same_history_share_every_repeated_value() -> None:
    first, second = _history_jobs(), _history_jobs()
    assert first == second
    pairs = list(zip(first, second, strict=True))
    for a, b in pairs:
        for field in ("project", "location", "job_type", "state", "principal", "query", "labels"):
            assert getattr(a, field) is getattr(b, field), field
        assert a.job_id == b.job_id
    with_dest = [(a, b) for a, b in pairs if a.destination_table is not None]
    assert with_dest
    assert all(a.destination_table is b.destination_table for a, b in with_dest)


def test_jobs_list_resources_share_names_sql_and_labels() -> None:
    resource = copy.deepcopy(load("jobs_list.json")["jobs"][0])
    resource["configuration"]["labels"] = {"team": "growth", "env": "prod"}
    a, b = job_from_resource(_fresh(resource)), job_from_resource(_fresh(resource))
    assert a == b
    assert a.project is b.project
    assert a.principal is b.principal
    assert a.query is not None
    assert a.query is b.query
    assert a.labels == {"team": "growth", "env": "prod"}
    assert a.labels is b.labels


def test_label_sets_in_another_order_stay_apart_and_empty_ones_are_one_map() -> None:
    ab = labels({"a": "1", "b": "2"})
    assert labels({"a": "1", "b": "2"}) is ab
    ba = labels({"b": "2", "a": "1"})
    assert ba == ab
    assert ba is not ab
    assert list(ba) == ["b", "a"]
    assert labels({}) is NO_LABELS


def test_an_unhashable_label_value_is_kept_as_it_is() -> None:
    odd: dict[str, Any] = {"a": ["not", "a", "string"]}
    assert labels(odd) is odd


def test_none_and_non_strings_pass_through_text() -> None:
    assert text(None) is None
    assert text(5) == 5  # type: ignore[arg-type]


def test_the_cache_keeps_two_generations_of_its_limit() -> None:
    cache: SharedCache[str, str] = SharedCache(limit=2)
    cache.put("a", "A")
    cache.put("b", "B")  # weight 2: still the first generation
    assert cache.get("a") == "A"
    cache.put("c", "C")  # weight 3 > 2: {a, b} becomes the previous generation, {c} the current
    assert (cache.get("b"), cache.get("c")) == ("B", "C")  # b found in the previous, moved forward
    cache.put("d", "D")  # current {c, b, d}: weight 2 (c, d) ... b moved without weight
    cache.put("e", "E")  # weight 3 > 2: previous {c, b, d}, current {e}
    assert cache.get("a") is None  # two generations back: forgotten
    assert cache.get("d") == "D"
    cache.clear()
    assert cache.get("e") is None
