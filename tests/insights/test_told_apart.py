"""Findings about same-named things in different places read apart in a list of titles."""

from __future__ import annotations

from dashboard.insights import Insight, told_apart


def _finding(rule: str, title: str, resource: str) -> Insight:
    return Insight(
        rule=rule,
        severity="warning",
        title=title,
        source="pubsub",
        resource=resource,
        evidence="5,000 undelivered messages",
        fix="Start its subscriber",
    )


def test_a_title_two_resources_share_is_followed_by_each_resource() -> None:
    # the same subscription name in two projects (one pipeline deployed per environment's project)
    found = told_apart(
        [
            _finding(
                "pubsub.nobody_reads", "Nobody reads subscription events-sub", "acme-analytics/events-sub"
            ),
            _finding("pubsub.nobody_reads", "Nobody reads subscription events-sub", "acme-etl/events-sub"),
            _finding(
                "pubsub.dead_letters",
                "Subscription events-sub sends messages to its dead-letter topic",
                "acme-etl/events-sub",
            ),
        ]
    )
    assert [i.title for i in found] == [
        "Nobody reads subscription events-sub (acme-analytics/events-sub)",
        "Nobody reads subscription events-sub (acme-etl/events-sub)",
        "Subscription events-sub sends messages to its dead-letter topic",
    ]
    assert [i.key for i in found] == [
        "pubsub.nobody_reads:acme-analytics/events-sub",
        "pubsub.nobody_reads:acme-etl/events-sub",
        "pubsub.dead_letters:acme-etl/events-sub",
    ]


def test_one_resource_under_two_rules_with_one_title_is_left_alone() -> None:
    found = told_apart(
        [
            _finding("a.rule", "Subscription s falls behind", "p/s"),
            _finding("b.rule", "Subscription s falls behind", "p/s"),
        ]
    )
    assert [i.title for i in found] == ["Subscription s falls behind"] * 2
