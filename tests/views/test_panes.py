"""Every pane rendered from a hand-built Snapshot: what it shows, in which order, and hostile text printed
exactly as written with no control character reaching the terminal."""

from __future__ import annotations

from datetime import timedelta

import msgspec
import pytest
from rich.cells import cell_len

from dashboard.models import Job, Snapshot
from dashboard.sources.dataflow import view as dataflow
from dashboard.sources.dataproc import view as dataproc
from dashboard.sources.jobs import view as jobs
from dashboard.sources.reservations import view as reservations
from dashboard.views import collect, cost, overview, status
from views.factory import (
    AT,
    HOSTILE_QUERY,
    MARKUP,
    RAW_CONTROLS,
    render,
    snapshot,
    t,
)

PANES = (overview, jobs, reservations, dataproc, dataflow, cost, status)


def _has(text: str, *needles: str) -> None:
    for needle in needles:
        assert needle in text, f"{needle!r} not in {text!r}"


def _lines_with(out: str, needle: str) -> list[str]:
    return [line for line in out.splitlines() if needle in line]


def test_jobs_pane_running_first_then_recent_then_principals() -> None:
    out = render(jobs.render(snapshot(), AT))
    running, recent, principals = out.index("Running (2)"), out.index("Recent ("), out.index("By principal")
    assert running < recent < principals
    # longest running first
    assert out.index("run_1") < out.index("hostile_markup") < recent
    # newest finished first: in_reservation ended 5 min ago, old_on_demand 2h50m ago
    assert recent < out.index("in_reservation") < out.index("done_on_demand") < out.index("old_on_demand")
    assert "Recent (latest 8 of 10 in the window)" in out
    [failed] = _lines_with(out, "hostile_ansi")
    assert failed.startswith("FAILED")
    _has(failed, "invalidQuery")
    [cached] = _lines_with(out[recent:principals], "cached ")
    assert " hit " in cached
    [reserved] = _lines_with(out[recent:principals], "in_reservation")
    assert "~$0.60" in reserved  # 10 slot-hours x $0.06
    [ana] = _lines_with(out[principals:], "ana@acme.example")
    assert ana.split() == ["ana@acme.example", "2", "1", "0", "2.000", "2.0", "$12.50"]
    [bob] = _lines_with(out[principals:], "bob@acme.example")
    # old 0.5 TiB + script child 1 TiB; the script parent is not counted again: 1.5 TiB x $6.25
    assert bob.split() == ["bob@acme.example", "3", "0", "0", "1.500", "1.0", "$9.38"]
    assert out.index("ana@acme.example", principals) < out.index("bob@acme.example", principals)


WORKFORCE = (
    "principal://iam.googleapis.com/locations/global/workforcePools/acme-pool/subject/ana@acme.example"
)


def test_a_queued_job_is_listed_with_its_state_but_not_counted_as_running() -> None:
    queued = Job(
        project="acme-bi",
        job_id="bi_queued_1",
        location="US",
        state="PENDING",
        principal=WORKFORCE,
        created=t(minutes=-1),
    )
    section = collect.jobs_section(snapshot(jobs=(*snapshot().jobs, queued)), AT)
    out = render(jobs.render(snapshot(jobs=(*snapshot().jobs, queued)), AT), width=240)
    assert "Running (2) · queued (1)" in out  # run_1 and hostile_markup run; bi_queued_1 waits
    [line] = _lines_with(out, "bi_queued_1")
    assert line.startswith("PENDING")
    # in the by-principal table (50 cells) the subject is kept: cut in the middle
    [group] = _lines_with(out[out.index("By principal") :], "principal://")
    assert group.split()[0] == "principal://iam.googleapis.com…ct/ana@acme.example"  # 30 + … + 19 cells
    assert group.split()[1:3] == ["1", "0"]  # one job, none running
    [item] = [i for i in section.running if i.job_id == "bi_queued_1"]
    assert item.principal == WORKFORCE  # the whole subject, as BigQuery wrote it
    assert [i.job_id for i in section.running if i.state == "PENDING"] == ["bi_queued_1"]


def test_jobs_pane_limits_recent_jobs() -> None:
    section = collect.jobs_section(snapshot(), AT, recent_limit=3)
    assert [j.job_id for j in section.recent] == ["in_reservation", "hostile_array_syntax", "hostile_ansi"]
    assert section.total == 10
    assert "Recent (latest 3 of 10" in render(jobs.render(snapshot(), AT, recent_limit=3))


def test_reservations_pane() -> None:
    out = render(reservations.render(snapshot(), AT))
    prod = next(line for line in out.splitlines() if line.startswith("prod "))
    # used now = last sample 140 of baseline 100 + autoscale 50; $/h = 150 x $0.06
    assert prod.split()[:7] == ["prod", "US", "ENTERPRISE", "100", "50/200", "140", "93%"]
    _has(prod, "▅▇█", "$9.00/h")
    adhoc = next(line for line in out.splitlines() if line.startswith("adhoc "))
    _has(adhoc, "30%", "$4.00/h")  # 100 Standard slots x $0.04
    _has(out, "c1", "ANNUAL", "2027-01-01")
    assert "projects/acme-etl" in out


def test_dataproc_pane() -> None:
    out = render(dataproc.render(snapshot(), AT))
    names = ["ml-features", "adhoc-spark", "etl-nightly", "reporting-tmp"]
    assert [line.split()[0] for line in out.splitlines() if line[:14].strip() in names] == names
    [etl] = _lines_with(out, "etl-nightly")
    _has(etl, "1m 2w 1s", " 32 ", "56%", "1h00m", "$2.28/h")
    [adhoc] = _lines_with(out, "adhoc-spark")
    _has(adhoc, "5h00m ago", "none", "$0.70/h")
    [broken] = _lines_with(out, "ml-features")
    # europe-west1: 8 vCPU x $0.010 premium + (8 x $0.021811 + 48 GiB x $0.002923) x 1.1001 = $0.43/h
    _has(broken, "ERROR", "$0.43/h")
    _has(out, "STALE", "503 UNAVAILABLE")


def test_dataflow_pane() -> None:
    out = render(dataflow.render(snapshot(), AT))
    assert out.index("customer-360-backfill") < out.index("clickstream-enrich")  # failed first
    [stream] = _lines_with(out, "clickstream-enrich")
    _has(stream, "STREAMING", "RUNNING")
    _has(stream, "20m00s", "21m40s", "850.5")
    _has(stream, "$9.11", "$0.66/h", "▁▅█")
    [batch] = _lines_with(out, "customer-360-backfill")
    # 16 vCPU-h x $0.056 + 100 GiB shuffle x $0.011 + no memory metric: 16 vCPU-h x the assumed 3.75 GiB
    # per vCPU x $0.003557 = $2.21
    _has(batch, "FAILED", "$2.21")


def test_cost_and_overview_panes() -> None:
    out = render(cost.render(snapshot(), AT))
    _has(out, "Cost", "estimate: price table 2026.12.1", "Per service (estimate")
    assert "window 06:00:00–09:00:00 UTC (3h00m)" in out
    for title in ("BigQuery on-demand", "BigQuery editions", "Dataproc", "Dataflow", "Total"):
        assert title in out
    first = render(overview.render(snapshot(), AT))
    # the 100 committed slots at the 1-year price; ml-features priced at europe-west1's rates (+ $0.04/h)
    _has(first, "Burn rate $34.62/h", "estimate")
    assert "Sources (3/10 ok)" in first  # of the ten sources: the registered ones have no data here
    [bq] = _lines_with(first, "BigQuery jobs")
    # ten jobs listed, one a script parent whose child is listed too: nine statements
    assert "0 pending · 1 failed · 9 in the window" in bq
    [slots] = _lines_with(first, "Slots in use")
    assert slots.split()[3] == "170"
    _has(slots, "of 250")


def test_status_pane() -> None:
    out = render(status.render(snapshot(), AT), width=220)
    [dataproc_line] = _lines_with(out, "dataproc")
    _has(dataproc_line, "STALE", "6m00s", "08:54:00")
    assert "torn line [bold red]boom[/]\\x1b[31m" in out


def test_empty_snapshot_shows_loading_and_nothing() -> None:
    empty = Snapshot(at=AT)
    for pane in PANES:
        out = render(pane.render(empty, AT))
        assert out.strip()
    assert "no job running" in render(jobs.render(empty, AT))
    assert "LOADING" in render(status.render(empty, AT))
    assert "no cluster" in render(dataproc.render(empty, AT))


def test_dates_appear_when_the_window_spans_days() -> None:
    old = Job(project="p", job_id="old", created=AT - timedelta(days=2), ended=AT - timedelta(days=2))
    snap = snapshot(jobs=(*snapshot().jobs, old))
    out = render(jobs.render(snap, AT))
    assert "2026-11-26 08:55" in out
    assert "2026-11-24" in out


@pytest.mark.parametrize("width", [80, 160, 250])
@pytest.mark.parametrize("pane", PANES, ids=lambda p: p.__name__.rsplit(".", 1)[-1])
def test_no_control_character_reaches_the_terminal(pane: object, width: int) -> None:
    out = render(pane.render(snapshot(), AT), width=width)  # type: ignore[attr-defined]
    for raw in RAW_CONTROLS:
        assert raw not in out, f"{raw!r} printed raw"
    assert max(cell_len(line) for line in out.splitlines()) <= width


def test_hostile_text_prints_exactly_as_written() -> None:
    literal = Job(
        project="p",
        job_id="literal",
        state="RUNNING",
        started=t(minutes=-1),
        query="r'[/a-z]+' [link=https://example.com]x[/link]",
    )
    snap = msgspec.structs.replace(snapshot(), jobs=(*snapshot().jobs, literal))
    # 270 cells: every column at its widest (the TABLE UPDATED column included), the query uncut
    out = render(jobs.render(snap, AT), width=270)
    assert MARKUP in out
    assert "[link=https://example.com]x[/link]" in out
    assert "arr[OFFSET(0)]" in out
    assert "r'[/a-z]+'" in out
    assert "\\u202egnp.exe" in out
    assert "invalidQuery: \\x1b[31mno rows" in out
    assert "-- \\x9b2J \\x1b[31mFAILED\\x1b[2J \\x1b]8;;" in out
    assert HOSTILE_QUERY.splitlines()[1][:20] in out  # the second line of the query, on the same line
    detail = render(dataproc.render(snap, AT), width=250)
    assert f"{MARKUP} \\x1b[2J" in detail


@pytest.mark.parametrize(
    ("principal", "shown"),
    [
        (
            "principal://iam.googleapis.com/locations/global/workforcePools/acme-pool/subject/ana@acme.example",
            "ana@acme.example (acme-pool)",
        ),
        (
            "principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/"
            "github/subject/repo:acme/etl:ref:refs/heads/main",
            "repo:acme/etl:ref:refs/heads/main (github)",
        ),
        ("etl-runner@acme-etl.iam.gserviceaccount.com", "etl-runner@acme-etl.iam.gserviceaccount.com"),
        (None, None),
    ],
)
def test_a_pool_principal_shows_its_subject_and_pool(principal: str | None, shown: str | None) -> None:
    from dashboard.sources.jobs.view import principal_label

    assert principal_label(principal) == shown
