"""The app's panes as the sources' packages declare them (``SourceSpec.app_pane``): the same pane list,
keys and columns as when the shell spelled them out."""

from __future__ import annotations

from widgets.frame import PANES
from widgets.paneset import TABLE_PANES
from widgets.sourcepane import find, source_panes


def test_the_pane_list_keeps_the_built_in_seven_in_order_with_their_keys() -> None:
    assert PANES == (
        ("overview", "Overview", "1"),
        ("jobs", "BigQuery jobs", "2"),
        ("slots", "Slots & reservations", "3"),
        ("dataproc", "Dataproc", "4"),
        ("dataflow", "Dataflow", "5"),
        ("cost", "Cost", "6"),
        ("insights", "Insights", "7"),
    )
    assert TABLE_PANES == ("jobs", "slots", "dataproc", "dataflow", "insights")


def test_each_built_in_pane_comes_from_its_source_and_billing_has_none() -> None:
    shown = {pane_id: spec.name for pane_id, (spec, _) in source_panes().items() if spec.builtin}
    assert shown == {"jobs": "jobs", "slots": "reservations", "dataproc": "dataproc", "dataflow": "dataflow"}


def test_the_columns_shown_only_wide_and_the_names_kept_readable() -> None:
    dataflow = find("dataflow")
    assert dataflow is not None
    columns = {c.key: c for c in dataflow.columns}
    assert {k for k, c in columns.items() if c.wide} >= {"project", "location", "usd_per_hour"}
    assert columns["name"].min_width == 20  # the view's 18, raised to the pane's 20
    slots = find("slots")
    assert slots is not None
    assert slots.short
    assert {c.key: c for c in slots.columns}["reservation_id"].min_width == 12
    dataproc = find("dataproc")
    assert dataproc is not None
    assert [suffix for suffix, _ in dataproc.more] == ["jobs", "batches"]
    for _, more in dataproc.more:
        assert all(c.wide for c in more if c.key == "project")  # as on the clusters' table
    assert find("overview") is None
    assert find("cost") is None
