"""When a critical insight pops up a toast: frame sequences through `critical_toasts`."""

from __future__ import annotations

from dashboard.insights import Insight
from widgets.insights import MAX_TOASTS, critical_toasts


def make(resource: str, severity: str = "critical", rule: str = "dataproc.idle_cluster") -> Insight:
    """An insight about ``resource``."""
    return Insight(
        rule=rule,
        severity=severity,  # type: ignore[arg-type]
        title=f"Cluster {resource} idle",
        source="dataproc",
        resource=resource,
        evidence="0 YARN apps",
        usd_per_hour=2.0,
        fix="delete it",
    )


def test_first_frame_one_summary_toast_when_critical() -> None:
    frame = [make("a"), make("b"), make("c", "warning")]
    assert critical_toasts(None, frame) == ["2 critical insights: Cluster a idle and 1 more. Key 7: Insights"]
    assert critical_toasts(None, [make("a")]) == ["1 critical insight: Cluster a idle. Key 7: Insights"]


def test_first_frame_without_critical_is_quiet() -> None:
    assert critical_toasts(None, [make("a", "warning"), make("b", "info")]) == []
    assert critical_toasts(None, []) == []


def test_only_keys_new_since_the_previous_frame() -> None:
    one = [make("a")]
    two = [make("a"), make("b")]
    assert critical_toasts(one, one) == []
    assert critical_toasts(one, two) == ["Cluster b idle (Dataproc; $2.00/h est.). Key 7: Insights"]
    # a finding that goes away says nothing; when it comes back it is new again
    assert critical_toasts(two, one) == []
    assert len(critical_toasts(one, two)) == 1


def test_a_warning_that_turns_critical_toasts() -> None:
    assert len(critical_toasts([make("a", "warning")], [make("a")])) == 1
    # the same resource under another rule is another finding
    assert len(critical_toasts([make("a")], [make("a"), make("a", rule="dataproc.error_cluster")])) == 1
    # critical that turns warning: quiet
    assert critical_toasts([make("a")], [make("a", "warning")]) == []


def test_many_at_once_make_one_summary() -> None:
    many = [make(f"c{i}") for i in range(MAX_TOASTS + 1)]
    assert critical_toasts([], many) == [
        f"{MAX_TOASTS + 1} new critical insights: Cluster c0 idle and {MAX_TOASTS} more. Key 7: Insights"
    ]
    assert len(critical_toasts([], many[:MAX_TOASTS])) == MAX_TOASTS


def test_cloud_text_in_a_toast_is_one_safe_line() -> None:
    hostile = make("x\x1b[2J\ny")
    (message,) = critical_toasts([], [hostile])
    assert "\x1b" not in message
    assert "\n" not in message
    assert "\\x1b[2J" in message
