"""``--backend`` and ``[backend]`` with gcpdash's own two backends: ``fixture`` is ``--demo``/``--replay``
under another name (its ``path`` and ``speed`` options), ``live`` takes no options; and the option kinds a
backend declares (:mod:`dashboard.backends.options`). The plugin backend: tests/contract/
test_backend_plugin.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dashboard.backends.options import BackendOption, checked_options
from dashboard.cli import main
from dashboard.errors import UsageError
from dashboard.recording.demo import demo_path


def run(capsys: pytest.CaptureFixture[str], tmp_path: Path, config: str, *args: str) -> tuple[int, str, str]:
    path = tmp_path / "gcpdash.toml"
    path.write_text(config, encoding="utf-8")
    code = main([*args, "--config", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


def document(text: str) -> dict[str, object]:
    doc = json.loads(text)
    doc.pop("generated_at")
    return doc  # type: ignore[no-any-return]


def test_backend_fixture_is_the_demo(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, by_name, _ = run(capsys, tmp_path, "", "--backend", "fixture", "--once", "--format", "json")
    assert code == 0
    code, by_flag, _ = run(capsys, tmp_path, "", "--demo", "--once", "--format", "json")
    assert code == 0
    assert document(by_name) == document(by_flag)
    assert document(by_name)["mode"] == "demo"


def test_the_config_chooses_the_fixture_and_its_recording(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = f'[backend]\nname = "fixture"\n[backend.options]\npath = "{demo_path()}"\n'
    code, out, _ = run(capsys, tmp_path, config, "--once", "--format", "json", "--at", "2026-11-26T07:30:00Z")
    assert code == 0
    doc = document(out)
    assert doc["mode"] == "replay"  # a path given: --replay PATH
    assert doc["at"] == "2026-11-26T07:30:00Z"
    code, flagged, _ = run(
        capsys,
        tmp_path,
        "",
        "--replay",
        str(demo_path()),
        "--once",
        "--format",
        "json",
        "--at",
        "2026-11-26T07:30:00Z",
    )
    assert code == 0
    assert document(flagged) == doc


@pytest.mark.parametrize(
    ("config", "args", "message"),
    [
        (
            '[backend]\nname = "live"\n[backend.options]\nproject = "p"\n',
            ("--once",),
            "[backend.options] project: backend 'live' takes no options",
        ),
        (
            '[backend]\nname = "fixture"\n[backend.options]\nspeed = 0\n',
            ("--once",),
            "[backend.options] speed (backend 'fixture') = 0: give a number more than 0",
        ),
        (
            '[backend]\nname = "fixture"\n[backend.options]\nrecording = "x"\n',
            ("--once",),
            "[backend.options] recording: backend 'fixture' takes path, speed",
        ),
        (
            "",
            ("--replay", "x", "--backend", "live", "--once"),
            "--replay replays a recording (the fixture backend); drop it or --backend",
        ),
        (
            "",
            ("--backend", "fixture", "--project", "p"),
            "--project, --region and --location are for live mode; drop --demo/--replay",
        ),
        ("[backend]\nnmae = 'x'\n", ("--once",), "Object contains unknown field `nmae` - at `$.backend`"),
    ],
)
def test_a_bad_choice_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, config: str, args: tuple[str, ...], message: str
) -> None:
    code, out, err = run(capsys, tmp_path, config, *args)
    assert code == 3
    assert out == ""
    assert err.strip().endswith(message), err


def test_option_kinds_defaults_and_required() -> None:
    declared = (
        BackendOption(name="store", kind="path", description="where", required=True),
        BackendOption(name="verbose", kind="flag", default=False, description="say more"),
        BackendOption(name="projects", kind="list", description="which"),
        BackendOption(name="retries", kind="number", default=3, description="how often"),
    )
    options = checked_options("rec", declared, {"store": "/var/lib/rec", "projects": ["a", "b"]})
    assert options == {"store": Path("/var/lib/rec"), "verbose": False, "projects": ("a", "b"), "retries": 3}
    with pytest.raises(UsageError, match=r"^\[backend.options\] store: backend 'rec' needs it \(where\)$"):
        checked_options("rec", declared, {})
    with pytest.raises(UsageError, match=r"verbose .*give true or false, not 'yes'"):
        checked_options("rec", declared, {"store": "x", "verbose": "yes"})
    with pytest.raises(UsageError, match=r"projects .*give a list of strings, not \['a', 1\]"):
        checked_options("rec", declared, {"store": "x", "projects": ["a", 1]})
    with pytest.raises(UsageError, match=r"retries .*give a number, not True"):
        checked_options("rec", declared, {"store": "x", "retries": True})


def test_a_validator_that_raises_refuses_the_value() -> None:
    def positive(value: object) -> tuple[bool, str | None]:
        raise ValueError("cannot tell")

    declared = (BackendOption(name="n", kind="number", description="n", validator=positive),)
    with pytest.raises(UsageError, match=r"= 5: ValueError: cannot tell$"):
        checked_options("x", declared, {"n": 5})


def test_without_declared_options_they_pass_as_given() -> None:
    assert checked_options("x", None, {"anything": [1, {"a": 2}]}) == {"anything": [1, {"a": 2}]}
    with pytest.raises(UsageError, match="clock: gcpdash sets it itself"):
        checked_options("x", None, {"clock": 1})


def test_entry_points_name_their_distribution_and_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard import registry

    wheel = tmp_path / "acme_gcpdash-2.1.dist-info"  # pip's: the metadata spells the name
    wheel.mkdir()
    (wheel / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-gcpdash\nVersion: 2.1\n\nAbout it.\n")
    (wheel / "entry_points.txt").write_text("[gcpdash.backends]\nacme = acme_gcpdash:create\n")
    egg = tmp_path / "rec_store.egg-info"  # a source tree's egg-info: no version in its name
    egg.mkdir()
    (egg / "PKG-INFO").write_text("Metadata-Version: 1.0\nVersion: 0.4.dev1\n")
    (egg / "entry_points.txt").write_text("# a comment\n[gcpdash.backends]\nrec = rec_store:Backend\n")
    monkeypatch.setattr("sys.path", [str(tmp_path)])
    found = registry.entry_points("gcpdash.backends")
    assert [(e.name, e.value, e.dist, e.version) for e in found] == [
        ("acme", "acme_gcpdash:create", "acme-gcpdash", "2.1"),
        ("rec", "rec_store:Backend", "rec_store", "0.4.dev1"),
    ]
    assert registry.entry_points("gcpdash.sources") == []
