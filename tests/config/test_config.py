"""Configuration precedence: defaults < file < GCPDASH_* environment < flags; the live keys (timeouts,
history window, endpoints, anonymous auth); errors that name the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.config import Config, load_config, with_flags
from dashboard.errors import UsageError

FILE = """
[gcp]
projects = ["from-file"]
regions = ["europe-west1"]
bigquery_locations = ["EU"]
history_window = 3600

[intervals]
jobs_history = 300

[endpoints]
bigquery = "http://127.0.0.1:9050"
dataproc = "127.0.0.1:9060"

[auth]
anonymous = true

[timeouts]
call = 5
retry_deadline = 7
"""


def write(tmp_path: Path, text: str = FILE) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_a_user_in_one_region_never_has_to_set() -> None:
    config = Config()
    assert config.gcp.projects == []  # the credentials' project
    assert config.gcp.bigquery_locations == ["US"]
    assert config.gcp.regions == ["us-central1"]
    assert config.auth.anonymous is False
    assert config.timeouts.call > 0
    assert config.timeouts.retry_deadline > 0
    assert config.intervals.billed_query_gap == 60


def test_the_file_overrides_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path), env={})
    assert config.gcp.projects == ["from-file"]
    assert config.gcp.regions == ["europe-west1"]
    assert config.gcp.bigquery_locations == ["EU"]
    assert config.gcp.history_window == 3600
    assert config.intervals.jobs_history == 300
    assert config.intervals.jobs == 10  # untouched keys keep their default
    assert config.endpoints.bigquery == "http://127.0.0.1:9050"
    assert config.endpoints.dataproc == "127.0.0.1:9060"
    assert config.auth.anonymous is True
    assert (config.timeouts.call, config.timeouts.retry_deadline) == (5, 7)
    assert config.source == str(tmp_path / "config.toml")


def test_the_environment_overrides_the_file(tmp_path: Path) -> None:
    env = {"GCPDASH_PROJECTS": "env-proj-a, env-proj-b", "GCPDASH_REGIONS": "asia-east1"}
    config = load_config(write(tmp_path), env=env)
    assert config.gcp.projects == ["env-proj-a", "env-proj-b"]
    assert config.gcp.regions == ["asia-east1"]
    assert config.gcp.bigquery_locations == ["EU"]  # not in the environment: the file's


def test_gcpdash_config_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path)
    assert load_config(env={"GCPDASH_CONFIG": str(path)}).gcp.projects == ["from-file"]


def test_flags_override_everything(tmp_path: Path) -> None:
    config = load_config(write(tmp_path), env={"GCPDASH_PROJECTS": "env-proj-a"})
    flagged = with_flags(
        config, projects=["flag-prj-a", "flag-prj-b"], regions=None, locations=["europe-west4"]
    )
    assert flagged.gcp.projects == ["flag-prj-a", "flag-prj-b"]
    assert flagged.gcp.regions == ["europe-west1"]  # no --region: the file's
    assert flagged.gcp.bigquery_locations == ["europe-west4"]
    assert with_flags(config) is config


@pytest.mark.parametrize("location", ["us central", "US;DROP", "europe-west4`", ""])
def test_a_bad_location_is_refused(tmp_path: Path, location: str) -> None:
    with pytest.raises(UsageError, match="not a BigQuery location"):
        with_flags(Config(), locations=[location or " x y "])
    path = write(tmp_path, f'[gcp]\nbigquery_locations = ["{location or "a b"}"]\n')
    with pytest.raises(UsageError, match="not a BigQuery location") as caught:
        load_config(path, env={})
    assert str(path) in str(caught.value)


def test_unknown_keys_and_wrong_types_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="timeouts") as caught:
        load_config(write(tmp_path, "[timeouts]\ncal = 3\n"), env={})
    assert "config.toml" in str(caught.value)
    with pytest.raises(UsageError, match="anonymous"):
        load_config(write(tmp_path, '[auth]\nanonymous = "yes"\n'), env={})


def test_a_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        load_config(tmp_path / "nope.toml", env={})


@pytest.mark.parametrize(
    ("given", "qualifier"), [("US", "us"), ("region-us", "us"), ("Region-EUROPE-west4", "europe-west4")]
)
def test_a_location_pasted_with_its_sql_qualifier_is_read_as_the_location(given: str, qualifier: str) -> None:
    from dashboard.queries import jobs_history_sql, region_qualifier

    assert region_qualifier(given) == qualifier
    assert f"`region-{qualifier}`.INFORMATION_SCHEMA" in jobs_history_sql(given)
