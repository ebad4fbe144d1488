"""The reader: a recording read back exactly as written; every kind of damage named by file and line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import msgspec
import pytest

from dashboard.errors import RecordingError
from dashboard.recording.format import DATAPROC_LIST_CLUSTERS, MANIFEST, encode_exchange
from dashboard.recording.reader import RecordedPoll, read_recording

from .recbuild import T0, at, failed, jobs_list, list_clusters, manifest

Write = Callable[..., Path]


def _sample(write_recording: Write) -> Path:
    return write_recording(
        [
            jobs_list(1, 0, ["a"]),
            jobs_list(1, 0, ["b"], project="p2"),
            list_clusters(1, 5),
            jobs_list(2, 30, ["a", "c"]),
            failed("dataproc", DATAPROC_LIST_CLUSTERS, 2, 65),
        ]
    )


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def _replace_line(path: Path, index: int, line: bytes) -> None:
    lines = _lines(path)
    lines[index] = line
    path.write_bytes(b"".join(lines))


def test_reads_back_what_was_written(write_recording: Write) -> None:
    path = _sample(write_recording)
    rec = read_recording(path)
    assert rec.path == path
    assert rec.manifest == manifest()
    assert rec.warnings == []
    assert rec.sources == ("jobs", "dataproc")
    jobs = rec.polls["jobs"]
    assert [(p.number, p.t, len(p.exchanges)) for p in jobs] == [(1, at(0), 2), (2, at(30), 1)]
    assert jobs[0].exchanges == (jobs_list(1, 0, ["a"]), jobs_list(1, 0, ["b"], project="p2"))
    number, t, exchanges = rec.polls["dataproc"][1]
    assert (number, t) == (2, at(65))
    assert exchanges[0].error is not None
    assert exchanges[0].error.code == "UNAVAILABLE"
    assert exchanges[0].response is None


def test_accepts_the_manifest_file_itself(write_recording: Write) -> None:
    path = _sample(write_recording)
    assert read_recording(path / MANIFEST).polls == read_recording(path).polls


def test_missing_source_files_and_empty_files_are_fine(write_recording: Write) -> None:
    path = write_recording([list_clusters(1, 0)])
    (path / "dataflow.jsonl").write_bytes(b"")
    (path / "storage.jsonl").write_bytes(b"not read: gcpdash knows no such source\n")
    rec = read_recording(path)
    assert rec.polls == {"dataproc": [rec.polls["dataproc"][0]], "dataflow": []}
    assert rec.sources == ("dataproc",)  # an empty log is a source not recorded
    # a log of a source no plugin registers is not read, and said so
    assert rec.warnings == [
        "storage.jsonl: not replayed: no source 'storage' is registered (is its plugin installed?)"
    ]


def test_torn_last_line_is_skipped_with_a_warning(write_recording: Write) -> None:
    path = _sample(write_recording)
    log = path / "jobs.jsonl"
    whole = encode_exchange(jobs_list(3, 60, ["a"]))
    log.write_bytes(log.read_bytes() + whole[: len(whole) // 2])
    rec = read_recording(path)
    assert rec.warnings == ["jobs.jsonl:4: last line is incomplete (the recording was cut off); skipped"]
    assert [p.number for p in rec.polls["jobs"]] == [1, 2]


def test_a_complete_last_line_without_newline_is_read(write_recording: Write) -> None:
    path = _sample(write_recording)
    log = path / "jobs.jsonl"
    log.write_bytes(log.read_bytes() + encode_exchange(jobs_list(3, 60, ["a"])).rstrip(b"\n"))
    rec = read_recording(path)
    assert rec.warnings == []
    assert [p.number for p in rec.polls["jobs"]] == [1, 2, 3]


def test_invalid_json_mid_file_names_file_and_line(write_recording: Write) -> None:
    path = _sample(write_recording)
    _replace_line(path / "jobs.jsonl", 1, b'{"v":1,"poll":1,\n')
    with pytest.raises(RecordingError, match=r"jobs\.jsonl:2: invalid JSON") as info:
        read_recording(path)
    assert info.value.path == str(path / "jobs.jsonl")
    assert info.value.line == 2


def test_invalid_last_line_that_ends_with_newline_is_an_error(write_recording: Write) -> None:
    path = _sample(write_recording)
    log = path / "dataproc.jsonl"
    log.write_bytes(log.read_bytes() + b"garbage\n")
    with pytest.raises(RecordingError, match=r"dataproc\.jsonl:3: invalid JSON"):
        read_recording(path)


def test_a_field_of_the_wrong_type_is_named(write_recording: Write) -> None:
    path = _sample(write_recording)
    line = _lines(path / "jobs.jsonl")[2].replace(b'"poll":2', b'"poll":"2"')
    _replace_line(path / "jobs.jsonl", 2, line)
    with pytest.raises(RecordingError) as info:
        read_recording(path)
    message = str(info.value)
    assert message.startswith(f"{path / 'jobs.jsonl'}:3: not a valid exchange: ")
    assert "Expected `int`, got `str` - at `$.poll`" in message


def test_a_missing_field_is_named(write_recording: Write) -> None:
    path = _sample(write_recording)
    raw = msgspec.json.decode(_lines(path / "dataproc.jsonl")[0])
    del raw["method"]
    _replace_line(path / "dataproc.jsonl", 0, msgspec.json.encode(raw) + b"\n")
    with pytest.raises(RecordingError, match=r"dataproc\.jsonl:1: .*missing required field `method`"):
        read_recording(path)


def test_a_torn_last_line_with_a_wrong_field_is_still_only_a_warning(write_recording: Write) -> None:
    path = _sample(write_recording)
    log = path / "jobs.jsonl"
    log.write_bytes(log.read_bytes() + b'{"v":1,"poll":"3","t":"2026-11-')
    assert len(read_recording(path).warnings) == 1


@pytest.mark.parametrize(
    ("v", "expected"),
    [
        (2, r"exchange version v=2 is newer than this gcpdash reads \(1\); upgrade gcpdash"),
        (0, r"unknown exchange version v=0 \(this gcpdash reads 1\)"),
    ],
)
def test_unknown_exchange_version(write_recording: Write, v: int, expected: str) -> None:
    path = _sample(write_recording)
    line = _lines(path / "jobs.jsonl")[1].replace(b'"v":1', f'"v":{v}'.encode())
    _replace_line(path / "jobs.jsonl", 1, line)
    with pytest.raises(RecordingError, match=rf"jobs\.jsonl:2: {expected}"):
        read_recording(path)


def test_an_exchange_in_the_wrong_file(write_recording: Write) -> None:
    path = _sample(write_recording)
    log = path / "dataproc.jsonl"
    log.write_bytes(log.read_bytes() + encode_exchange(jobs_list(3, 90)))
    with pytest.raises(
        RecordingError, match=r"dataproc\.jsonl:3: exchange of source 'jobs' in dataproc\.jsonl"
    ):
        read_recording(path)


def test_polls_out_of_order(write_recording: Write) -> None:
    path = write_recording([list_clusters(2, 0), list_clusters(1, 60)])
    with pytest.raises(RecordingError, match=r"dataproc\.jsonl:2: poll 1 after poll 2"):
        read_recording(path)


def test_a_time_without_timezone(write_recording: Write) -> None:
    path = write_recording([list_clusters(1, 0)])
    line = _lines(path / "dataproc.jsonl")[0].replace(b'06:00:00Z"', b'06:00:00"')
    _replace_line(path / "dataproc.jsonl", 0, line)
    with pytest.raises(RecordingError, match=r"dataproc\.jsonl:1: time 2026-11-26T06:00:00 has no timezone"):
        read_recording(path)


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(RecordingError, match=r"not a recording: .*nowhere does not exist; record one"):
        read_recording(tmp_path / "nowhere")


def test_missing_manifest(tmp_path: Path) -> None:
    (tmp_path / "jobs.jsonl").write_bytes(b"")
    with pytest.raises(RecordingError) as info:
        read_recording(tmp_path)
    assert str(info.value) == (
        f"not a recording: {tmp_path} has no manifest.json; record one with gcpdash --record or use --demo"
    )


def test_a_file_that_is_not_a_recording(tmp_path: Path) -> None:
    (tmp_path / "jobs.jsonl").write_bytes(b"")
    with pytest.raises(RecordingError, match="is a file"):
        read_recording(tmp_path / "jobs.jsonl")


def _write_manifest(path: Path, raw: object) -> Path:
    path.mkdir()
    (path / MANIFEST).write_bytes(msgspec.json.encode(raw))
    return path


def _raw_manifest(**fields: object) -> dict[str, object]:
    raw: dict[str, object] = msgspec.to_builtins(manifest())
    raw.update(fields)
    return raw


def test_manifest_version_newer(tmp_path: Path) -> None:
    path = _write_manifest(tmp_path / "r", _raw_manifest(version=7))
    with pytest.raises(RecordingError) as info:
        read_recording(path)
    assert str(info.value) == (
        f"{path / MANIFEST}: recording format version 7 is newer than this gcpdash reads (1); upgrade gcpdash"
    )
    assert info.value.path == str(path / MANIFEST)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"version": 0}, r"unknown recording format version 0 \(this gcpdash reads 1\)"),
        ({"version": "1"}, r"recording format version '1' is not a number"),
        (
            {"format": "other.tool"},
            r"not a gcpdash recording: format is 'other.tool', expected 'gcpdash.recording'",
        ),
        ({"format": None}, r"not a gcpdash recording: format is None"),
        ({"recorded_at": 5}, r"not a valid manifest: Expected `datetime`, got `int` - at `\$.recorded_at`"),
        ({"recorded_at": "2026-11-26T06:00:00"}, r"recorded_at has no timezone"),
    ],
)
def test_manifest_refused(tmp_path: Path, fields: dict[str, object], expected: str) -> None:
    path = _write_manifest(tmp_path / "r", _raw_manifest(**fields))
    with pytest.raises(RecordingError, match=rf"manifest\.json: {expected}"):
        read_recording(path)


def test_manifest_with_invalid_json(tmp_path: Path) -> None:
    path = tmp_path / "r"
    path.mkdir()
    (path / MANIFEST).write_bytes(b'{"format": "gcpdash.recording", ')
    with pytest.raises(RecordingError, match=r"manifest\.json: invalid JSON"):
        read_recording(path)


def test_manifest_ignores_fields_it_does_not_know(tmp_path: Path) -> None:
    path = _write_manifest(tmp_path / "r", _raw_manifest(new_field={"x": 1}))
    rec = read_recording(path)
    assert rec.manifest.recorded_at == T0
    assert rec.polls == {}


def test_polls_are_read_from_the_log_when_asked_for_not_kept(write_recording: Write) -> None:
    path = _sample(write_recording)
    rec = read_recording(path)
    poll = rec.polls["jobs"][1]
    assert poll.exchanges == (jobs_list(2, 30, ["a", "c"]),)
    assert len(poll.exchanges) == 1
    assert poll.exchanges[-1] == jobs_list(2, 30, ["a", "c"])
    assert next(iter(poll.exchanges)) is not next(iter(poll.exchanges))  # decoded each time, not kept
    first = rec.polls["jobs"][0].exchanges
    assert first[1:] == (jobs_list(1, 0, ["b"], project="p2"),)
    with pytest.raises(IndexError):
        first[2]
    lines = _lines(path / "jobs.jsonl")
    assert len(lines) == 3
    doubled = lines[2].replace(b'"v":1', b'"v":1 ', 1)  # same line, one byte longer: offsets move
    (path / "jobs.jsonl").write_bytes(b"".join(lines[:2]) + b"garbage" + doubled)
    with pytest.raises(RecordingError, match=r"jobs\.jsonl:3: invalid JSON"):
        tuple(poll.exchanges)


def test_a_payload_of_the_wrong_type_is_named_when_its_poll_is_read(write_recording: Write) -> None:
    path = _sample(write_recording)
    raw = msgspec.json.decode(_lines(path / "jobs.jsonl")[2])
    raw["response"] = [raw["response"]]
    _replace_line(path / "jobs.jsonl", 2, msgspec.json.encode(raw) + b"\n")
    rec = read_recording(path)  # the header of every line is sound
    assert rec.polls["jobs"][0].exchanges[0].method == "bigquery.jobs.list"
    with pytest.raises(RecordingError, match=r"jobs\.jsonl:3: not a valid exchange: .*\$\.response"):
        tuple(rec.polls["jobs"][1].exchanges)


def test_a_poll_made_from_exchanges_keeps_them() -> None:
    exchanges = (jobs_list(1, 0, ["a"]),)
    poll = RecordedPoll(1, at(0), exchanges)
    number, t, kept = poll
    assert (number, t, kept) == (1, at(0), exchanges)
    assert poll.exchanges is poll.exchanges
    assert poll == RecordedPoll(1, at(0), list(exchanges))
    assert poll != RecordedPoll(2, at(0), exchanges)
