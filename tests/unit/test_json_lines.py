"""The one framing of every class socket: a JSON object a line, bad lines told apart."""

from __future__ import annotations

import json

import pytest

from neuron_tui.json_lines import decode_line, encode_line


def test_a_message_is_one_compact_utf8_line_and_comes_back_whole() -> None:
    message = {"t": "message", "text": "¡Pausa a las 11:00! ✓", "n": 3}
    line = encode_line(message)
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert b" " not in line.replace("¡Pausa a las 11:00! ✓".encode(), b"")
    assert "✓".encode() in line  # UTF-8, not \\u escapes: fewer bytes on a slow link
    assert decode_line(line) == message
    assert decode_line(line.decode()) == message


@pytest.mark.parametrize("line", [b"[1, 2]\n", b'"t"\n', b"{not json}\n", b"\xff\xfe{}\n", b""])
def test_anything_but_a_json_object_is_a_value_error(line: bytes) -> None:
    with pytest.raises(ValueError):
        decode_line(line)


def test_the_lesson_and_the_hub_read_each_others_lines() -> None:
    # The hub's side used to write with ensure_ascii=False and the trainer's without:
    # both must still read what either writes.
    message = {"t": "progress", "page": "part03", "name": "Zoë"}
    assert decode_line(json.dumps(message).encode() + b"\n") == message
    assert json.loads(encode_line(message)) == message
