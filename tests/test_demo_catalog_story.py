"""The jobs source's catalog story in ``--once --demo``: dbt's ``stg_payments`` model failed during the
07:20-07:40 spike; the Dataplex catalog, read every 30 minutes, still gives the table's change before that
run, so the Destination tables list shows it first, red-marked, next to the failed job. Expectations are
read from the recording's own exchanges (the GetEntry answers and the history rows)."""

from __future__ import annotations

from datetime import datetime

from demo_helpers import by_method, latest_rows, once, once_json

from dashboard.models_catalog import GET_ENTRY

TABLE = "acme-etl.stg.stg_payments"


def _destination(row: dict[str, object]) -> str | None:
    dest = row.get("destination_table")
    if not isinstance(dest, dict):
        return None
    return f"{dest['project_id']}.{dest['dataset_id']}.{dest['table_id']}"


def test_the_recording_reads_the_catalog_of_a_few_tables_every_30_minutes() -> None:
    entries = by_method("jobs", GET_ENTRY)
    # six tables, read at the first poll and every 30 minutes of the three hours recorded: 6 x 6
    assert len(entries) == 6 * 6
    assert len({e["t"] for e in entries}) == 6
    assert all(e["request"]["view"] == "BASIC" and "/locations/us/" in e["request"]["name"] for e in entries)


def test_the_stale_table_is_shown_next_to_the_failed_job_in_once() -> None:
    last = [
        e for e in by_method("jobs", GET_ENTRY) if e["response"]["name"].endswith("/stg/tables/stg_payments")
    ][-1]
    read_at = datetime.fromisoformat(last["t"])
    changed = datetime.fromisoformat(last["response"]["entrySource"]["updateTime"].replace("Z", "+00:00"))
    writers = [
        r
        for r in latest_rows().values()
        if _destination(r) == TABLE and r["state"] == "DONE" and r["end_time"] <= read_at
    ]
    newest = max(writers, key=lambda r: r["creation_time"])
    # the last run the read can judge failed, after the table's last change
    assert newest["error_result"] is not None
    assert newest["start_time"] > changed
    out = once("--format", "text")
    section = out.split("Destination tables", 1)[1].split("\n\n", 1)[0].splitlines()
    first = section[2]
    assert first.split()[:2] == [TABLE, "!"]
    assert newest["job_id"][:20] in first or "…" in first
    assert "FAILED" in first
    # the other tables were refreshed by their last job: no mark
    assert all("!" not in line for line in section[3:])


def test_the_stale_table_insight_in_once_json() -> None:
    doc = once_json()
    [found] = [i for i in doc["insights"] if i["rule"] == "bigquery.stale_table"]
    assert (found["severity"], found["resource"]) == ("warning", TABLE)
    stale = [j for j in doc["jobs"]["recent"] if j.get("table_stale")]
    assert all(j["destination_table"] for j in stale)
