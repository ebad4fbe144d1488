"""The alert expression parser: what it accepts, what it refuses (with a message that points at the bad
part), and that nothing of the text is ever run."""

from __future__ import annotations

import builtins

import pytest

from dashboard.alerts import conditions
from dashboard.alerts.expr import Condition, parse
from dashboard.alerts.metrics import metric_names
from dashboard.config import AlertsConfig, Config
from dashboard.errors import EXIT_FAILURE, UsageError

NAMES = {
    "cost.burn_rate_usd_per_hour",
    "cost.today_usd",
    "insights.critical",
    "insights.rule.dataproc.idle_cluster",
    "jobs.running",
}


@pytest.mark.parametrize(
    ("text", "severity", "metric", "op", "threshold"),
    [
        ("cost.burn_rate_usd_per_hour > 50", "warning", "cost.burn_rate_usd_per_hour", ">", 50.0),
        ("cost.burn_rate_usd_per_hour>50", "warning", "cost.burn_rate_usd_per_hour", ">", 50.0),
        ("  critical:insights.critical>=1  ", "critical", "insights.critical", ">=", 1.0),
        ("Critical : jobs.running <= 0.5", "critical", "jobs.running", "<=", 0.5),
        ("warning: jobs.running == 3", "warning", "jobs.running", "==", 3.0),
        ("jobs.running != 0", "warning", "jobs.running", "!=", 0.0),
        ("jobs.running < -2", "warning", "jobs.running", "<", -2.0),
        ("cost.today_usd > 1_000", "warning", "cost.today_usd", ">", 1000.0),
        ("cost.today_usd > 1e3", "warning", "cost.today_usd", ">", 1000.0),
        ("cost.today_usd > .5", "warning", "cost.today_usd", ">", 0.5),
        ("cost.today_usd > 2.", "warning", "cost.today_usd", ">", 2.0),
        (
            "insights.rule.dataproc.idle_cluster > 0",
            "warning",
            "insights.rule.dataproc.idle_cluster",
            ">",
            0.0,
        ),
    ],
)
def test_valid(text: str, severity: str, metric: str, op: str, threshold: float) -> None:
    condition = parse(text, NAMES)
    assert condition.severity == severity
    assert condition.metric == metric
    assert condition.op == op
    assert condition.threshold == threshold
    assert condition.expr.startswith(f"{metric} {op} ")
    assert condition.origin == "--fail-on"


def test_canonical_spelling_keeps_the_number_as_written() -> None:
    assert parse("critical:jobs.running>=1_000", NAMES).expr == "jobs.running >= 1_000"


@pytest.mark.parametrize(
    ("op", "value", "holds"),
    [
        (">", 5.0, False),
        (">", 5.5, True),
        (">=", 5.0, True),
        ("<", 5.0, False),
        ("<", 4.0, True),
        ("<=", 5.0, True),
        ("==", 5.0, True),
        ("==", 5.01, False),
        ("!=", 5.0, False),
        ("!=", 4.0, True),
    ],
)
def test_operators(op: str, value: float, holds: bool) -> None:
    assert parse(f"jobs.running {op} 5", NAMES).holds(value) is holds


@pytest.mark.parametrize(
    ("text", "column", "says"),
    [
        ("__import__('os').system('true')", 1, "unknown metric '__import__'"),
        ("eval('1') > 0", 1, "unknown metric 'eval'"),
        ("jobs.running > __import__('os')", 16, "expected a plain number"),
        ("jobs.running > 1 or __import__('os')", 18, "one comparison per expression"),
        ("jobs.running > 1 and jobs.running < 5", 18, "unexpected 'and jobs.running < 5'"),
        ("jobs.running = 1", 14, "write == to compare"),
        ("jobs.running => 1", 14, "expected one of > >= < <= == !="),
        ("jobs.running", 13, "found nothing"),
        ("jobs.running >", 15, "expected a plain number after >"),
        ("jobs.running > 5TiB", 16, "found '5TiB'"),
        ("cost.today_usd > $5", 18, "the unit is in the metric's name"),
        ("jobs.running > 50%", 16, "expected a plain number"),
        ("jobs.running > nan", 16, "found 'nan'"),
        ("jobs.running > 1.2.3", 16, "expected a plain number"),
        ("jobs.running > \u0665", 16, "expected a plain number"),  # an Arabic-Indic 5: float() would take it
        ("jobs.running > 5\u0665", 16, "expected a plain number"),
        ("", 1, "expected a metric name"),
        ("> 5", 1, "expected a metric name"),
        ("crit: jobs.running > 0", 1, "'crit' is not a severity; write critical: or warning:"),
        ("cost.burn > 5", 1, "did you mean cost.burn_rate_usd_per_hour?"),
        ("jobs.runing > 5", 1, "did you mean jobs.running?"),
        ("zzz.qqq > 5", 1, "unknown metric 'zzz.qqq' (docs/alerts.md"),
    ],
)
def test_invalid(text: str, column: int, says: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse(text, NAMES)
    message = str(caught.value)
    assert message.startswith(f"--fail-on {text!r}, column {column}: "), message
    assert says in message
    assert "\n" not in message
    assert caught.value.exit_code == EXIT_FAILURE


def test_nothing_is_evaluated(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("user text reached eval/exec/compile")

    for name in ("eval", "exec", "compile"):
        monkeypatch.setattr(builtins, name, refuse)
    assert parse("critical: jobs.running >= 2", NAMES).holds(2.0)
    for text in ("__builtins__ > 0", "jobs.running > (lambda: 1)()", "jobs.running > 1; import os"):
        with pytest.raises(UsageError):
            parse(text, NAMES)


def test_hostile_text_stays_on_one_visible_line() -> None:
    with pytest.raises(UsageError) as caught:
        parse("jobs.running > \x1b[31m1\n\u202e", NAMES)
    message = str(caught.value)
    assert "\x1b" not in message
    assert "\n" not in message
    assert "\u202e" not in message
    assert "\\x1b" in message


def test_a_severity_list_sets_the_severity_and_refuses_the_other_one() -> None:
    condition = parse("jobs.running > 1", NAMES, severity="critical", origin="[alerts] critical")
    assert condition == Condition(
        expr="jobs.running > 1",
        severity="critical",
        metric="jobs.running",
        op=">",
        threshold=1.0,
        origin="[alerts] critical",
    )
    assert parse("critical: jobs.running > 1", NAMES, severity="critical").severity == "critical"
    with pytest.raises(UsageError, match="a warning condition in the critical list"):
        parse("warning: jobs.running > 1", NAMES, severity="critical", origin="[alerts] critical")


def test_the_namespace_is_closed_and_has_every_documented_family() -> None:
    names = metric_names()
    for name in (
        "cost.burn_rate_usd_per_hour",
        "cost.today_usd",
        "cost.window_spend_usd",
        "cost.month_to_date_usd",
        "cost.month_forecast_usd",
        "cost.bigquery_on_demand.burn_rate_usd_per_hour",
        "cost.bigquery_editions.burn_rate_usd_per_hour",
        "cost.dataproc.burn_rate_usd_per_hour",
        "cost.dataflow.burn_rate_usd_per_hour",
        "budgets.max_forecast_pct",
        "insights.critical",
        "insights.warning",
        "insights.info",
        "insights.total",
        "insights.rule.dataproc.idle_cluster",
        "insights.rule.dataflow.failed_job",
        "jobs.running",
        "jobs.failed",
        "dataproc.clusters_running",
        "dataflow.max_system_lag_seconds",
        "sources.stale",
    ):
        assert name in names, name
    assert all(description for description in names.values())
    assert "cost.bigquery.burn_rate_usd_per_hour" not in names


def test_conditions_from_flags_and_config() -> None:
    config = Config(
        alerts=AlertsConfig(warning=["jobs.running > 10"], critical=["insights.critical > 0"]),
        source="/etc/gcpdash.toml",
    )
    found = conditions(["critical: sources.stale > 0", "cost.today_usd > 100"], config)
    assert [(c.expr, c.severity, c.origin) for c in found] == [
        ("sources.stale > 0", "critical", "--fail-on"),
        ("cost.today_usd > 100", "warning", "--fail-on"),
        ("insights.critical > 0", "critical", "[alerts] critical in /etc/gcpdash.toml"),
        ("jobs.running > 10", "warning", "[alerts] warning in /etc/gcpdash.toml"),
    ]
    assert conditions() == ()
    assert conditions((), Config()) == ()


def test_a_bad_config_expression_names_its_list_and_file() -> None:
    config = Config(alerts=AlertsConfig(critical=["insights.critcal > 0"]), source="/etc/gcpdash.toml")
    with pytest.raises(UsageError) as caught:
        conditions((), config)
    assert str(caught.value).startswith(
        "[alerts] critical in /etc/gcpdash.toml 'insights.critcal > 0', column 1: unknown metric"
    )
    assert "; did you mean insights.critical or " in str(caught.value)
