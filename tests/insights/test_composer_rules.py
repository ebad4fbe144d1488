"""The Composer insight rules, each on data made to trigger it and on data made not to; the thresholds by
hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dashboard.models import MetricSeries, Sample
from dashboard.sources.composer import rules
from dashboard.sources.composer.model import ComposerData, Environment

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
KEY = "acme-etl/europe-west1/etl-prod"


def env(state: str = "RUNNING", **fields: object) -> Environment:
    return Environment(
        project="acme-etl",
        location="europe-west1",
        env_id="etl-prod",
        name="projects/acme-etl/locations/europe-west1/environments/etl-prod",
        state=state,
        **fields,  # type: ignore[arg-type]
    )


def series(metric: str, values: list[float], key: str = KEY, start: datetime = NOW) -> MetricSeries:
    """One point a minute, the last at ``start``."""
    n = len(values)
    points = tuple(Sample(t=start - timedelta(minutes=n - 1 - i), value=v) for i, v in enumerate(values))
    return MetricSeries(metric=metric, key=key, points=points)


def data(*found: MetricSeries, environment: Environment | None = None) -> ComposerData:
    return ComposerData(environments=(environment or env(),), series=found)


def test_unhealthy_for_the_threshold_and_not_for_less() -> None:
    # healthy until 08:48, then false 08:49 → 09:00: 11 min ≥ 10
    down = data(series("environment/healthy", [1.0] * 5 + [0.0] * 12))
    found = rules.unhealthy(down, NOW)
    assert [i.rule for i in found] == ["composer.unhealthy"]
    assert found[0].severity == "critical"
    assert "11 min" in found[0].title
    # false 08:52 → 09:00: 8 min < 10
    assert rules.unhealthy(data(series("environment/healthy", [1.0] * 5 + [0.0] * 9)), NOW) == []
    # recovered at the newest point
    assert rules.unhealthy(data(series("environment/healthy", [0.0] * 15 + [1.0])), NOW) == []


def day(metric: str, value: float, key: str) -> MetricSeries:
    """A 24 h read's series: one point at the poll."""
    return MetricSeries(metric=f"day/{metric}", key=key, points=(Sample(t=NOW, value=value),))


def test_a_failing_dag_and_one_that_ran_well_since() -> None:
    dag = KEY + "/nightly_sales_load"
    failed = day("workflow/run_count:failed", 1.0, dag)
    found = rules.dag_failing(data(failed), NOW)
    assert [i.resource for i in found] == [dag]
    assert found[0].resource_key == KEY  # its row: the environment's (Enter on the insight goes there)
    assert "1 failed run(s) in 24 h" in found[0].title
    # a success seen after the last failure (at the newest minute): recovered
    seen = (
        series("workflow/run_count:failed", [1.0, 0.0, 0.0], key=dag),
        series("workflow/run_count:success", [0.0, 0.0, 1.0], key=dag),
    )
    assert rules.dag_failing(data(failed, day("workflow/run_count:success", 1.0, dag), *seen), NOW) == []
    # a success before the failure does not hide it: 2 failed of 3 runs = 67 % ≥ 50 %
    early = (
        series("workflow/run_count:success", [1.0, 0.0, 0.0, 0.0, 0.0], key=dag),
        series("workflow/run_count:failed", [0.0, 0.0, 0.0, 1.0, 0.0], key=dag),
    )
    twice = day("workflow/run_count:failed", 2.0, dag)
    assert len(rules.dag_failing(data(twice, day("workflow/run_count:success", 1.0, dag), *early), NOW)) == 1
    # 1 failed of 24 runs (4 %) is under 50 %: an hourly DAG that failed once is not failing
    hourly = day("workflow/run_count:success", 23.0, dag)
    assert rules.dag_failing(data(failed, hourly), NOW) == []
    # two failures needed: one is not enough
    assert rules.dag_failing(data(failed), NOW, {"min_failed": 2.0, "failed_pct": 50.0}.__getitem__) == []


def test_parse_errors() -> None:
    found = rules.parse_errors(data(series("environment/dag_processing/parse_error_count", [0.0, 2.0])), NOW)
    assert len(found) == 1
    assert "2 DAG file(s)" in found[0].title
    assert (
        rules.parse_errors(data(series("environment/dag_processing/parse_error_count", [2.0, 0.0])), NOW)
        == []
    )


def test_an_environment_in_error_for_an_hour_still_bills() -> None:
    # updated 2026-11-25 22:15, now 09:00: 10.75 h in ERROR ≥ 1 h
    broken = data(environment=env("ERROR", update_time="2026-11-25T22:15:00Z"))
    found = rules.error_still_bills(broken, NOW)
    assert len(found) == 1
    assert "10.8 h" in found[0].evidence
    # 30 min in ERROR < 1 h
    fresh = data(environment=env("ERROR", update_time="2026-11-26T08:30:00Z"))
    assert rules.error_still_bills(fresh, NOW) == []
    assert rules.error_still_bills(data(environment=env("RUNNING")), NOW) == []
    # no update time: its age unknown, it still bills
    assert len(rules.error_still_bills(data(environment=env("ERROR")), NOW)) == 1


def test_fail_on_metrics() -> None:
    dag = KEY + "/nightly_sales_load"
    got = rules.metrics(
        data(
            day("workflow/run_count:failed", 3.0, dag),
            series("environment/healthy", [0.0, 0.0]),
            environment=env("ERROR"),
        )
    )
    assert got == {
        "environments": 1.0,
        "error_environments": 1.0,
        "unhealthy_environments": 1.0,
        "failed_runs": 3.0,  # the 24 h read's
    }


def test_every_rule_of_the_module_is_registered_with_its_thresholds() -> None:
    from dashboard.insights import DEFAULT_THRESHOLDS, RULES

    for name, thresholds in rules.DEFAULTS.items():
        assert f"composer.{name}" in RULES
        for key, value in thresholds.items():
            assert DEFAULT_THRESHOLDS[f"composer.{name}.{key}"] == value
