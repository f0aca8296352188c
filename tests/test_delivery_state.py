import os
import random
import signal
import subprocess
import sys
import threading
from pathlib import Path

import orjson
import pytest

from attio_cli.delivery.state import (
    DELIVERED,
    REJECTED,
    RunFingerprint,
    SettledLines,
    StateFile,
    clean_base_url,
)
from attio_cli.errors import ConfigError

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def run_files(tmp_path):
    """Two input files and one mapping file in tmp_path."""
    (tmp_path / "a.ndjson").write_text('{"type":"identify"}\n' * 10)
    (tmp_path / "b.ndjson").write_text('{"type":"track"}\n' * 5)
    (tmp_path / "people.yaml").write_text("object: people\n")
    return tmp_path


def fingerprint(folder: Path, **changes) -> RunFingerprint:
    arguments = {
        "inputs": [str(folder / "a.ndjson"), str(folder / "b.ndjson")],
        "mapping_files": [str(folder / "people.yaml")],
        "style": "public",
        "base_url": "https://api.attio.com",
    }
    arguments.update(changes)
    return RunFingerprint.build(
        arguments.pop("inputs"), arguments.pop("mapping_files"), **arguments
    )


def state_lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines()


# --- SettledLines ----------------------------------------------------------------------------------


def test_settled_lines_sequential_compacts():
    settled = SettledLines()
    for line in range(1, 1_000_001):
        settled.add(line)
    assert settled.watermark == 1_000_000
    assert settled.bitmap_size < 1024
    assert settled.outcome(1) == DELIVERED
    assert settled.outcome(1_000_000) == DELIVERED
    assert settled.outcome(1_000_001) is None


def test_settled_lines_out_of_order_window():
    settled = SettledLines()
    # Completion order as with a few requests in flight: each block of 16 lines lands reversed.
    for start in range(1, 100_001, 16):
        for line in reversed(range(start, start + 16)):
            settled.add(line)
    assert settled.watermark == 100_000
    assert settled.bitmap_size < 1024


def test_settled_lines_gap_stops_watermark():
    settled = SettledLines()
    for line in (1, 3, 4, 5, 70):
        settled.add(line)
    assert settled.watermark == 1
    assert settled.outcome(2) is None
    assert settled.outcome(4) == DELIVERED
    assert settled.outcome(69) is None
    assert settled.outcome(70) == DELIVERED

    settled.add(2)
    assert settled.watermark == 5


def test_settled_lines_rejected_below_watermark():
    settled = SettledLines()
    for line in range(1, 5001):
        settled.add(line, rejected=line % 1000 == 0)
    assert settled.watermark == 5000
    assert settled.outcome(3000) == REJECTED
    assert settled.outcome(2999) == DELIVERED


def test_settled_lines_duplicate_keeps_first():
    settled = SettledLines()
    assert settled.add(7, rejected=True) is True
    assert settled.add(7) is False
    assert settled.outcome(7) == REJECTED


def expected_outcome(line: int, present: set[int], rejected: set[int]):
    if line in rejected:
        return REJECTED
    if line in present:
        return DELIVERED
    return None


def test_settled_lines_random_order_matches_set():
    generator = random.Random(7)
    every_line = list(range(1, 20_001))
    gaps = set(generator.sample(every_line, 20))
    lines = [line for line in every_line if line not in gaps]
    generator.shuffle(lines)
    rejected = set(lines[::50])
    settled = SettledLines()
    for line in lines:
        settled.add(line, rejected=line in rejected)

    present = set(lines)
    assert settled.watermark == min(gaps) - 1
    for line in range(1, 20_010):
        assert settled.outcome(line) == expected_outcome(line, present, rejected), f"line {line}"

    # Filling the gaps in order moves the watermark across long settled stretches.
    for gap in sorted(gaps):
        settled.add(gap)
        present.add(gap)
        later_gaps = [other for other in gaps if other > gap]
        assert settled.watermark == (min(later_gaps) - 1 if later_gaps else 20_000)
    assert settled.bitmap_size == 0
    for line in range(1, 20_010):
        assert settled.outcome(line) == expected_outcome(line, present, rejected), f"line {line}"


def test_settled_lines_invalid_line_unsettled():
    settled = SettledLines()
    settled.add(1)
    assert settled.outcome(0) is None
    assert settled.outcome(-5) is None


# --- Fingerprint ---------------------------------------------------------------------------------


def test_fingerprint_records_size_and_mtime(run_files):
    current = fingerprint(run_files)
    first = current.inputs[0]
    info = os.stat(run_files / "a.ndjson")
    assert first.size == info.st_size
    assert first.mtime_ns == info.st_mtime_ns
    assert len(current.mappings[0].sha256) == 64


def test_fingerprint_stdin_has_no_size(run_files):
    current = fingerprint(run_files, inputs=["-"])
    assert current.inputs[0].name == "<stdin>"
    assert current.inputs[0].size is None


def test_fingerprint_json_round_trip(run_files):
    current = fingerprint(run_files, settings={"default_country": "US", "batch": False})
    parsed = RunFingerprint.from_json(orjson.loads(orjson.dumps(current.to_json())))
    assert parsed == current


def test_base_url_drops_credentials():
    cleaned = clean_base_url("https://user:secret-token@api.attio.com/?key=secret#x")
    assert cleaned == "https://api.attio.com"


def test_header_never_stores_token(run_files):
    path = run_files / "run.state"
    current = fingerprint(run_files, base_url="https://me:secret-token@api.attio.com")
    StateFile.create(path, current).close()
    assert b"secret-token" not in path.read_bytes()


# --- Create, record, resume -------------------------------------------------------------------


def test_state_round_trip(run_files):
    path = run_files / "run.state"
    current = fingerprint(run_files)
    a_name = str(run_files / "a.ndjson")
    b_name = str(run_files / "b.ndjson")
    with StateFile.create(path, current) as state:
        state.record(a_name, 2, "delivered")
        state.record(a_name, 1, "rejected")
        state.record(b_name, 5, "delivered")
        assert state.settled_count == 3

    header = orjson.loads(state_lines(path)[0])
    assert header["format"] == "attio-cli-state"
    assert header["version"] == 1
    assert header["fingerprint"] == current.to_json()
    assert isinstance(header["started_at"], str)
    assert len(state_lines(path)) == 4

    with StateFile.resume(path, current) as resumed:
        assert resumed.is_settled(a_name, 1) == REJECTED
        assert resumed.is_settled(a_name, 2) == DELIVERED
        assert resumed.is_settled(a_name, 3) is None
        assert resumed.is_settled(b_name, 5) == DELIVERED
        assert resumed.is_settled(b_name, 1) is None
        assert resumed.settled_count == 3
        assert resumed.delivered_count == 2
        assert resumed.rejected_count == 1


def test_record_line_format(run_files):
    path = run_files / "run.state"
    with StateFile.create(path, fingerprint(run_files)) as state:
        state.record(str(run_files / "b.ndjson"), 1234, "rejected")
    assert state_lines(path)[1] == b'{"i":1,"l":1234,"o":"r"}'


def test_resume_skips_exactly_recorded(run_files):
    path = run_files / "run.state"
    current = fingerprint(run_files)
    a_name = str(run_files / "a.ndjson")
    recorded = {1, 2, 3, 5, 8, 9}
    with StateFile.create(path, current) as state:
        for line in sorted(recorded, reverse=True):
            state.record(a_name, line, "delivered")

    with StateFile.resume(path, current) as resumed:
        for line in range(1, 11):
            expected = DELIVERED if line in recorded else None
            assert resumed.is_settled(a_name, line) == expected, f"line {line}"
        assert resumed.watermark(a_name) == 3


def test_resume_appends_to_same_file(run_files):
    path = run_files / "run.state"
    current = fingerprint(run_files)
    a_name = str(run_files / "a.ndjson")
    with StateFile.create(path, current) as state:
        state.record(a_name, 1, "delivered")
    with StateFile.resume(path, current) as resumed:
        resumed.record(a_name, 2, "delivered")
    with StateFile.resume(path, current) as again:
        assert again.is_settled(a_name, 1) == DELIVERED
        assert again.is_settled(a_name, 2) == DELIVERED
    assert len(state_lines(path)) == 3


def test_record_duplicate_written_once(run_files):
    path = run_files / "run.state"
    a_name = str(run_files / "a.ndjson")
    with StateFile.create(path, fingerprint(run_files)) as state:
        state.record(a_name, 4, "delivered")
        state.record(a_name, 4, "rejected")
        assert state.settled_count == 1
        assert state.is_settled(a_name, 4) == DELIVERED
    assert len(state_lines(path)) == 2


def test_record_stdin_by_either_name(run_files):
    path = run_files / "run.state"
    current = fingerprint(run_files, inputs=["-"])
    with StateFile.create(path, current) as state:
        state.record("<stdin>", 1, "delivered")
        state.record("-", 2, "delivered")
    with StateFile.resume(path, current) as resumed:
        assert resumed.is_settled("<stdin>", 2) == DELIVERED
        assert resumed.is_settled("-", 1) == DELIVERED


def test_record_rejects_bad_arguments(run_files):
    a_name = str(run_files / "a.ndjson")
    with StateFile.create(run_files / "run.state", fingerprint(run_files)) as state:
        with pytest.raises(ValueError, match="invalid outcome"):
            state.record(a_name, 1, "failed")
        with pytest.raises(ValueError, match="not one of the inputs"):
            state.record("other.ndjson", 1, "delivered")
        with pytest.raises(ValueError, match="lines start at 1"):
            state.record(a_name, 0, "delivered")
        with pytest.raises(ValueError, match="not one of the inputs"):
            state.is_settled("other.ndjson", 1)


def test_record_after_close_raises(run_files):
    state = StateFile.create(run_files / "run.state", fingerprint(run_files))
    state.close()
    state.close()
    with pytest.raises(ValueError, match="closed"):
        state.record(str(run_files / "a.ndjson"), 1, "delivered")


def test_sync_thread_fsyncs_records(run_files):
    a_name = str(run_files / "a.ndjson")
    with StateFile.create(run_files / "run.state", fingerprint(run_files), sync_interval=0.01) as state:
        state.record(a_name, 1, "delivered")
        for _ in range(200):
            if not state._dirty:
                break
            threading.Event().wait(0.01)
        assert state._dirty is False


# --- Opening errors --------------------------------------------------------------------------------


def test_create_refuses_existing_file(run_files):
    path = run_files / "run.state"
    StateFile.create(path, fingerprint(run_files)).close()
    with pytest.raises(ConfigError, match="already exists") as caught:
        StateFile.create(path, fingerprint(run_files))
    assert "--resume" in caught.value.hint


def test_create_overwrite_drops_records(run_files):
    path = run_files / "run.state"
    a_name = str(run_files / "a.ndjson")
    with StateFile.create(path, fingerprint(run_files)) as state:
        state.record(a_name, 1, "delivered")
    StateFile.create(path, fingerprint(run_files), overwrite=True).close()
    with StateFile.resume(path, fingerprint(run_files)) as resumed:
        assert resumed.is_settled(a_name, 1) is None
        assert resumed.settled_count == 0


def test_resume_missing_file(run_files):
    with pytest.raises(ConfigError, match="not found") as caught:
        StateFile.resume(run_files / "absent.state", fingerprint(run_files))
    assert "without --resume" in caught.value.hint


def test_open_twice_is_in_use(run_files):
    if sys.platform == "win32":
        pytest.skip("file locks are not taken on Windows")
    path = run_files / "run.state"
    with StateFile.create(path, fingerprint(run_files)):
        with pytest.raises(ConfigError, match="in use"):
            StateFile.resume(path, fingerprint(run_files))
        with pytest.raises(ConfigError, match="in use"):
            StateFile.create(path, fingerprint(run_files), overwrite=True)
        assert len(state_lines(path)) == 1


def test_resume_not_state_file(run_files):
    path = run_files / "notes.ndjson"
    path.write_text('{"type":"identify"}\n')
    with pytest.raises(ConfigError, match="not an attio-cli state file"):
        StateFile.resume(path, fingerprint(run_files))


def test_resume_newer_version(run_files):
    path = run_files / "run.state"
    header = {"format": "attio-cli-state", "version": 2, "fingerprint": {}, "started_at": "x"}
    path.write_bytes(orjson.dumps(header) + b"\n")
    with pytest.raises(ConfigError, match="format version 2"):
        StateFile.resume(path, fingerprint(run_files))


def test_resume_torn_header(run_files):
    path = run_files / "run.state"
    path.write_bytes(b'{"format":"attio-cli-st')
    with pytest.raises(ConfigError, match="no complete header"):
        StateFile.resume(path, fingerprint(run_files))


def test_resume_invalid_fingerprint(run_files):
    path = run_files / "run.state"
    header = {"format": "attio-cli-state", "version": 1, "fingerprint": {"inputs": []}, "started_at": "x"}
    path.write_bytes(orjson.dumps(header) + b"\n")
    with pytest.raises(ConfigError, match="line 1: fingerprint.mappings"):
        StateFile.resume(path, fingerprint(run_files))


# --- Damaged files ---------------------------------------------------------------------------------


def test_torn_last_line_ignored(run_files):
    path = run_files / "run.state"
    current = fingerprint(run_files)
    a_name = str(run_files / "a.ndjson")
    with StateFile.create(path, current) as state:
        state.record(a_name, 1, "delivered")
        state.record(a_name, 2, "delivered")
    with path.open("ab") as stream:
        stream.write(b'{"i":0,"l":3,"o":"d"')

    with StateFile.resume(path, current) as resumed:
        assert resumed.ignored_torn_line is True
        assert resumed.is_settled(a_name, 2) == DELIVERED
        assert resumed.is_settled(a_name, 3) is None
        resumed.record(a_name, 4, "delivered")

    # The cut-off bytes are gone, so the record written after them reads back cleanly.
    with StateFile.resume(path, current) as again:
        assert again.ignored_torn_line is False
        assert again.is_settled(a_name, 4) == DELIVERED
        assert again.settled_count == 3


@pytest.mark.parametrize(
    ("bad_line", "reason"),
    [
        (b"garbage", "not a record"),
        (b'{"i":7,"l":1,"o":"d"}', "input index 7"),
        (b'{"i":-1,"l":1,"o":"d"}', "input index -1"),
        (b'{"i":0,"l":0,"o":"d"}', "line number 0"),
        (b'{"i":0,"l":"2","o":"d"}', "line number '2'"),
        (b'{"i":0,"l":2,"o":"x"}', "outcome 'x'"),
        (b'[0,2,"d"]', "not a record"),
        (b"", "not a record"),
    ],
)
def test_corrupt_middle_line(run_files, bad_line, reason):
    path = run_files / "run.state"
    current = fingerprint(run_files)
    a_name = str(run_files / "a.ndjson")
    with StateFile.create(path, current) as state:
        for line in (1, 2, 3):
            state.record(a_name, line, "delivered")
    lines = state_lines(path)
    lines[2] = bad_line
    path.write_bytes(b"\n".join(lines) + b"\n")

    with pytest.raises(ConfigError) as caught:
        StateFile.resume(path, current)
    assert str(path) in caught.value.message
    assert "line 3" in caught.value.message
    assert reason in caught.value.message


# --- Fingerprint mismatch --------------------------------------------------------------------------


def write_state(folder: Path) -> Path:
    path = folder / "run.state"
    StateFile.create(path, fingerprint(folder)).close()
    return path


def test_mismatch_mapping_changed(run_files):
    path = write_state(run_files)
    (run_files / "people.yaml").write_text("object: companies\n")
    with pytest.raises(ConfigError) as caught:
        StateFile.resume(path, fingerprint(run_files))
    assert "people.yaml changed" in caught.value.message
    assert "--resume" in caught.value.hint
    assert "--state" in caught.value.hint


def test_mismatch_mapping_list(run_files):
    path = write_state(run_files)
    (run_files / "extra.yaml").write_text("object: deals\n")
    mappings = [str(run_files / "people.yaml"), str(run_files / "extra.yaml")]
    with pytest.raises(ConfigError, match="the mapping files differ"):
        StateFile.resume(path, fingerprint(run_files, mapping_files=mappings))


def test_moved_mapping_still_matches(run_files):
    path = write_state(run_files)
    (run_files / "people.yaml").rename(run_files / "moved.yaml")
    with StateFile.resume(path, fingerprint(run_files, mapping_files=[str(run_files / "moved.yaml")])) as state:
        assert state.settled_count == 0


def test_mismatch_style(run_files):
    path = write_state(run_files)
    with pytest.raises(ConfigError, match=r"request style differs \(state file: public, this run: segment\)"):
        StateFile.resume(path, fingerprint(run_files, style="segment"))


def test_mismatch_base_url(run_files):
    path = write_state(run_files)
    with pytest.raises(ConfigError, match="base URL differs"):
        StateFile.resume(path, fingerprint(run_files, base_url="http://127.0.0.1:8080"))


def test_mismatch_setting(run_files):
    path = write_state(run_files)
    with pytest.raises(ConfigError, match="setting default_country differs"):
        StateFile.resume(path, fingerprint(run_files, settings={"default_country": "US"}))


def test_mismatch_input_changed(run_files):
    path = write_state(run_files)
    with (run_files / "a.ndjson").open("a") as stream:
        stream.write('{"type":"group"}\n')
    with pytest.raises(ConfigError) as caught:
        StateFile.resume(path, fingerprint(run_files))
    assert "a.ndjson (size 200 -> 217 bytes)" in caught.value.message
    assert "changed since the state file was written" in caught.value.message


def test_mismatch_input_touched(run_files):
    path = write_state(run_files)
    info = os.stat(run_files / "b.ndjson")
    os.utime(run_files / "b.ndjson", ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
    with pytest.raises(ConfigError, match="b.ndjson \\(modification time changed\\)"):
        StateFile.resume(path, fingerprint(run_files))


def test_changed_input_allowed(run_files):
    path = write_state(run_files)
    with (run_files / "a.ndjson").open("a") as stream:
        stream.write('{"type":"group"}\n')
    with StateFile.resume(path, fingerprint(run_files), allow_changed_inputs=True) as state:
        assert state.settled_count == 0


def test_mismatch_inputs_differ(run_files):
    path = write_state(run_files)
    (run_files / "c.ndjson").write_text('{"type":"page"}\n')
    inputs = [str(run_files / "a.ndjson"), str(run_files / "c.ndjson")]
    with pytest.raises(ConfigError) as caught:
        StateFile.resume(path, fingerprint(run_files, inputs=inputs), allow_changed_inputs=True)
    assert "the inputs differ" in caught.value.message
    assert "not in the state file: " + str(run_files / "c.ndjson") in caught.value.message
    assert "missing from this run: " + str(run_files / "b.ndjson") in caught.value.message


def test_mismatch_inputs_reordered(run_files):
    path = write_state(run_files)
    inputs = [str(run_files / "b.ndjson"), str(run_files / "a.ndjson")]
    with pytest.raises(ConfigError, match="another order"):
        StateFile.resume(path, fingerprint(run_files, inputs=inputs))


def test_mismatch_lists_every_difference(run_files):
    path = write_state(run_files)
    with pytest.raises(ConfigError) as caught:
        StateFile.resume(path, fingerprint(run_files, style="segment", base_url="http://localhost:8080"))
    assert "request style differs" in caught.value.message
    assert "base URL differs" in caught.value.message


# --- Concurrency and durability ----------------------------------------------------------------


def test_threads_record_concurrently(run_files):
    path = run_files / "run.state"
    current = fingerprint(run_files)
    a_name = str(run_files / "a.ndjson")
    b_name = str(run_files / "b.ndjson")
    thread_count = 8
    per_thread = 2500

    def worker(offset: int) -> None:
        for step in range(per_thread):
            line = step * thread_count + offset + 1
            state.record(a_name, line, "delivered")
            state.record(b_name, line, "rejected" if line % 7 == 0 else "delivered")

    with StateFile.create(path, current) as state:
        threads = [threading.Thread(target=worker, args=(offset,)) for offset in range(thread_count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        total = thread_count * per_thread
        assert state.settled_count == 2 * total
        assert state.watermark(a_name) == total

    with StateFile.resume(path, current) as resumed:
        assert resumed.settled_count == 2 * total
        assert resumed.watermark(a_name) == total
        assert resumed.watermark(b_name) == total
        assert resumed.rejected_count == total // 7
        assert resumed.is_settled(b_name, 7) == REJECTED
    assert len(state_lines(path)) == 2 * total + 1


def test_many_records_stay_compact(run_files):
    path = run_files / "run.state"
    current = fingerprint(run_files)
    a_name = str(run_files / "a.ndjson")
    with StateFile.create(path, current) as state:
        for line in range(1, 100_001):
            state.record(a_name, line, "delivered")
    with StateFile.resume(path, current) as resumed:
        assert resumed.watermark(a_name) == 100_000
        assert resumed._settled_by_name[a_name].bitmap_size < 1024


CHILD_SCRIPT = """
import sys, time
from attio_cli.delivery.state import RunFingerprint, StateFile
folder, count = sys.argv[1], int(sys.argv[2])
current = RunFingerprint.build([folder + "/a.ndjson", folder + "/b.ndjson"], [folder + "/people.yaml"],
                               style="public", base_url="https://api.attio.com")
state = StateFile.create(folder + "/run.state", current, sync_interval=3600)
for line in range(1, count + 1):
    state.record(folder + "/a.ndjson", line, "rejected" if line == 3 else "delivered")
print("ready", flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL does not exist on Windows")
def test_records_survive_sigkill(run_files):
    count = 500
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD_SCRIPT, str(run_files), str(count)],
        stdout=subprocess.PIPE,
        env=environment,
    )
    try:
        assert child.stdout.readline() == b"ready\n"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL

    a_name = str(run_files / "a.ndjson")
    with StateFile.resume(run_files / "run.state", fingerprint(run_files)) as resumed:
        assert resumed.settled_count == count
        assert resumed.watermark(a_name) == count
        assert resumed.is_settled(a_name, 3) == REJECTED
