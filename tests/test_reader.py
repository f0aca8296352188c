import gzip

import pytest

from attio_cli.errors import InputError
from attio_cli.reader import InvalidLine, SourceLine, expand_inputs, iter_lines, parse_event


def _write(path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_lines_numbered_from_one(tmp_path):
    name = _write(tmp_path / "a.ndjson", '{"a":1}\n{"a":2}\n')
    lines = list(iter_lines([name]))
    assert [line.line for line in lines] == [1, 2]
    assert lines[0].input == name


def test_blank_lines_skipped_but_counted_in_numbering(tmp_path):
    name = _write(tmp_path / "a.ndjson", '{"a":1}\n\n   \n{"a":2}\n')
    lines = list(iter_lines([name]))
    assert [line.line for line in lines] == [1, 4]


def test_last_line_without_newline(tmp_path):
    name = _write(tmp_path / "a.ndjson", '{"a":1}\n{"a":2}')
    assert [parse_event(line) for line in iter_lines([name])] == [{"a": 1}, {"a": 2}]


def test_crlf_line_endings(tmp_path):
    (tmp_path / "a.ndjson").write_bytes(b'{"a":1}\r\n{"a":2}\r\n')
    assert [parse_event(line) for line in iter_lines([str(tmp_path / "a.ndjson")])] == [{"a": 1}, {"a": 2}]


def test_utf8_bom_removed(tmp_path):
    (tmp_path / "a.ndjson").write_bytes(b'\xef\xbb\xbf{"a":1}\n')
    assert parse_event(next(iter_lines([str(tmp_path / "a.ndjson")]))) == {"a": 1}


def test_gzip_detected_by_content_not_name(tmp_path):
    path = tmp_path / "renamed.ndjson"
    path.write_bytes(gzip.compress(b'{"a":1}\n{"a":2}\n'))
    assert [parse_event(line) for line in iter_lines([str(path)])] == [{"a": 1}, {"a": 2}]


def test_plain_file_named_gz_read_as_text(tmp_path):
    name = _write(tmp_path / "plain.gz", '{"a":1}\n')
    assert parse_event(next(iter_lines([name]))) == {"a": 1}


def test_truncated_gzip_raises_input_error(tmp_path):
    path = tmp_path / "cut.gz"
    path.write_bytes(gzip.compress(b'{"a":1}\n' * 1000)[:-20])
    with pytest.raises(InputError, match="reading .*cut.gz failed"):
        list(iter_lines([str(path)]))


def test_folder_expanded_sorted_recursively(tmp_path):
    (tmp_path / "b").mkdir()
    _write(tmp_path / "b" / "2.jsonl", "{}\n")
    _write(tmp_path / "a.ndjson", "{}\n")
    _write(tmp_path / "c.json", "{}\n")
    _write(tmp_path / "notes.txt", "not events\n")
    (tmp_path / "d.gz").write_bytes(gzip.compress(b"{}\n"))
    names = [name.removeprefix(str(tmp_path) + "/") for name in expand_inputs([str(tmp_path)])]
    assert names == ["a.ndjson", "b/2.jsonl", "c.json", "d.gz"]


def test_folder_without_event_files(tmp_path):
    _write(tmp_path / "notes.txt", "x")
    with pytest.raises(InputError, match="contains no event files"):
        expand_inputs([str(tmp_path)])


def test_missing_input_file(tmp_path):
    with pytest.raises(InputError, match="input file not found"):
        expand_inputs([str(tmp_path / "nope.ndjson")])


def test_stdin_twice_rejected():
    with pytest.raises(InputError, match="more than once"):
        expand_inputs(["-", "-"])


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (b"{not json", "line is not valid JSON"),
        (b"[1, 2]", "line is a JSON array, not an event object"),
        (b'"text"', "line is a JSON string, not an event object"),
        (b"42", "line is a JSON number, not an event object"),
        (b"null", "line is a JSON null, not an event object"),
        (b"true", "line is a JSON boolean, not an event object"),
        (b'{"a":1} {"b":2}', "line is not valid JSON"),
        (b'{"a":"\xff"}', "line is not valid JSON"),
    ],
)
def test_parse_event_rejects(text, reason):
    with pytest.raises(InvalidLine) as caught:
        parse_event(SourceLine("x", 1, text))
    assert str(caught.value).startswith(reason)
