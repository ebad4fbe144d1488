"""The insights view: the table rows, the report blocks, the overview's top list and the detail, with
money labelled as an estimate and hostile cloud text printed as written."""

from __future__ import annotations

from dashboard.insights import Insight
from dashboard.views import insights as view
from views.factory import ANSI_RED, MARKUP, RAW_CONTROLS, render


def make(
    severity: str = "warning",
    resource: str = "reporting-tmp",
    *,
    rule: str = "dataproc.idle_cluster",
    usd_per_hour: float | None = None,
    usd_per_month: float | None = None,
    title: str = "Cluster idle",
    evidence: str = "0 YARN apps since 06:38",
    fix: str = "Delete it",
) -> Insight:
    """An insight with defaults."""
    return Insight(
        rule=rule,
        severity=severity,  # type: ignore[arg-type]
        title=title,
        source="dataproc",
        resource=resource,
        resource_key=f"acme/us-central1/{resource}",
        evidence=evidence,
        usd_per_hour=usd_per_hour,
        usd_per_month=usd_per_month,
        fix=fix,
    )


def test_row_cells_keyed_by_rule_and_resource() -> None:
    row = view.insight_row(make("critical", usd_per_hour=4.2, usd_per_month=4.2 * 720))
    assert row.key == "dataproc.idle_cluster:reporting-tmp"
    plain = [c.plain for c in row.cells]
    # 4.2 $/h over 30 days of 24 h = 3,024 $/month
    assert plain == [
        "CRITICAL",
        "Dataproc",
        "reporting-tmp",
        "$4.20/h",
        "$3,024",
        "Cluster idle",
        "dataproc.idle_cluster",
    ]
    assert "red" in str(row.cells[0].style)


def test_unknown_money_is_a_dash_and_said_so() -> None:
    insight = make(usd_per_hour=None, usd_per_month=None)
    row = view.insight_row(insight)
    assert row.cells[3].plain == "—"
    assert row.cells[4].plain == "—"
    assert view.at_stake(insight).plain == "no $ estimate"
    assert view.at_stake(make(usd_per_hour=1.5)).plain == "$1.50/h est."
    assert view.at_stake(make(usd_per_month=90)).plain == "$90.00/month est."


def test_ordered_critical_first_then_money() -> None:
    cheap_critical = make("critical", "a", usd_per_hour=0.5)
    dear_warning = make("warning", "b", usd_per_hour=40)
    dearer_critical = make("critical", "c", usd_per_hour=3)
    info = make("info", "d", usd_per_month=1000)
    monthly_warning = make("warning", "e", usd_per_month=500)
    got = view.ordered([info, cheap_critical, monthly_warning, dear_warning, dearer_critical])
    assert [i.resource for i in got] == ["c", "a", "b", "e", "d"]


def test_summary_counts_each_severity() -> None:
    found = [make("critical", "a"), make("warning", "b"), make("warning", "c")]
    assert view.summary(found).plain == "1 critical · 2 warning · 0 info"
    assert view.summary([]).plain == "no insight"
    assert view.summary({"critical": 0, "warning": 0, "info": 3}).plain == "0 critical · 0 warning · 3 info"


def test_report_blocks_show_everything_with_money_as_estimate() -> None:
    found = [
        make("critical", "etl-nightly", usd_per_hour=12.5, title="Cluster in ERROR still bills"),
        make("info", "adhoc", title="Worth knowing", evidence="3 runs", fix="Cache it"),
    ]
    out = render(view.render(found, title="Insights"), width=120)
    lines = out.splitlines()
    assert lines[0] == "Insights  1 critical · 0 warning · 1 info"
    assert "CRITICAL  Cluster in ERROR still bills" in out
    assert "etl-nightly  (Dataproc, dataproc.idle_cluster)  $12.50/h est." in out
    assert "evidence: 0 YARN apps since 06:38" in out
    assert "fix: Delete it" in out
    assert "\n  fix: Delete it\n" in out  # indented, not padded to the width with blanks
    assert "INFO  Worth knowing" in out
    assert out.index("CRITICAL") < out.index("INFO  Worth")
    assert "no $ estimate" in out
    assert "nothing to report" in render(view.render([]))


def test_hostile_cloud_text_is_printed_as_written() -> None:
    hostile = make(
        "critical",
        resource=f"{MARKUP}{ANSI_RED}",
        title=f"Cluster {MARKUP} idle",
        evidence=f"label {ANSI_RED}x",
        fix=f"run {MARKUP}",
    )
    shown_resource = (view.render([hostile]), view.detail(hostile), view.table_view([hostile]))
    for renderable in (*shown_resource, view.top([hostile])):
        out = render(renderable, width=200)
        assert f"Cluster {MARKUP} idle" in out
        for raw in RAW_CONTROLS:
            assert raw not in out
    for renderable in shown_resource:
        assert f"{MARKUP}\\x1b[3" in render(renderable, width=200)  # the table cuts at 24 cells


def test_top_lists_n_with_counts() -> None:
    found = [make("critical", f"r{i}", title=f"T{i}", usd_per_hour=float(10 - i)) for i in range(7)]
    out = render(view.top(found, 3), width=120)
    assert "Insights 7 critical · 0 warning · 0 info  (top 3; key 7 lists all)" in out
    assert "T0" in out
    assert "T2" in out
    assert "T3" not in out
    assert "$10.00/h" in out
    assert render(view.top([])).strip() == "Insights no insight"


def test_detail_has_evidence_and_fix() -> None:
    out = render(view.detail(make("warning", usd_per_hour=2, usd_per_month=1440)), width=120)
    assert "WARNING  Cluster idle" in out
    assert "At stake  $2.00/h · $1,440/month est." in out
    assert "Evidence  0 YARN apps since 06:38" in out
    assert "Fix       Delete it" in out


def test_table_view_has_the_wide_rule_column_only_when_wide() -> None:
    found = [make("warning", usd_per_hour=1)]
    narrow = render(view.table_view(found, wide=False), width=200)
    wide = render(view.table_view(found, wide=True), width=200)
    assert "Insights (1)" in narrow
    assert "RULE" not in narrow
    assert "RULE" in wide


def test_job_ids_sharing_their_head_stay_apart_when_cut() -> None:
    first, second = "bquxjob_5e7fe80a_1a21712edfa", "bquxjob_5e7fe80a_1a21712fa6d"  # 28 characters
    found = [
        make("info", first, rule="bigquery.costly_query", title="Query cost $18.75"),
        make("info", second, rule="bigquery.costly_query", title="Query cost $31.25"),
    ]
    whole = render(view.table_view(found, wide=False), width=200)
    assert first in whole
    assert second in whole
    # 8 + 8 + 28 + 7 + 8 + 17 cells and 5 gaps of 2 make 86: at 80 the resource, the widest column
    # that may shrink, gives up 6 cells and is cut in the middle, keeping both ids' distinct tails
    cut = [line for line in render(view.table_view(found, wide=False), width=80).splitlines() if "…" in line]
    assert len(cut) == 2
    assert "bquxjob_" in cut[0]
    assert "bquxjob_" in cut[1]
    assert "edfa" in cut[0]
    assert "fa6d" in cut[1]
    assert first not in cut[0]


def test_the_monthly_estimate_then_where_give_way_when_narrow() -> None:
    title = "Cluster reporting-tmp idle since 06:38, no TTL"
    assert len(title) > 30  # the finding keeps its floor of 30 cells
    found = [make("warning", usd_per_hour=1, usd_per_month=720, title=title)]

    def header(width: int) -> str:
        return render(view.table_view(found, wide=False), width=width).splitlines()[1]

    # the narrowest layout: 8 + 8 + 14 + 7 + 8 + 30 cells and 5 gaps of 2 = 85
    assert "$/MO EST" in header(120)
    assert "WHERE" in header(120)
    # at 80 the monthly estimate goes: 8 + 8 + 14 + 7 + 30 + 4 gaps of 2 = 75 fits
    assert "$/MO EST" not in header(80)
    assert "WHERE" in header(80)
    assert "$/H EST" in header(80)
    # at 70 WHERE goes too: 8 + 14 + 7 + 30 + 3 gaps of 2 = 65 fits
    assert "WHERE" not in header(70)
    assert "$/H EST" in header(70)
    assert "INSIGHT" in header(70)
