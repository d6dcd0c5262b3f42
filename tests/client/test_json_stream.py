"""The model list decoded as it arrives: the same answer as reading it whole, however the
body is cut into chunks."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import fixture_text
from tui.ollama.errors import ProtocolError
from tui.ollama.json_stream import ArrayMemberDecoder, NotStreamable
from tui.ollama.models import ModelSummary


def summary_of(obj: dict[str, Any]) -> Any:
    return ModelSummary.from_json(obj) if "digest" in obj else obj


def streamed(chunks: list[bytes]) -> dict[str, Any]:
    decoder = ArrayMemberDecoder("models", summary_of)
    for chunk in chunks:
        decoder.feed(chunk)
    return decoder.finish()


def whole(body: bytes) -> Any:
    return json.loads(body, object_hook=summary_of)


@pytest.mark.parametrize("name", ["tags_attogram_local37-models.json", "tags_docs.json",
                                  "tags_opencode-session_cloud-stubs_2026-01.json"])
def test_any_chunking_gives_the_answer_read_whole(name: str) -> None:
    pretty = fixture_text(name).encode()
    compact = json.dumps(json.loads(pretty), separators=(",", ":")).encode()
    for body in (pretty, compact):
        expected = whole(body)
        assert streamed([body]) == expected
        assert streamed([body[i:i + 1] for i in range(len(body))]) == expected
        for cut in range(0, len(body), 7):
            assert streamed([body[:cut], body[cut:]]) == expected


def test_a_number_cut_by_a_chunk_is_read_whole() -> None:
    assert streamed([b'{"models":[],"count":12', b'34}'])["count"] == 1234
    assert streamed([b'{"models":[],"ratio":0.', b'5}'])["ratio"] == 0.5


def test_a_character_cut_by_a_chunk_is_read_whole() -> None:
    body = json.dumps({"models": [{"name": "通义千问:7b", "digest": "d"}]},
                      ensure_ascii=False).encode()
    cut = body.index("千".encode()) + 1  # inside the character's three bytes
    assert streamed([body[:cut], body[cut:]])["models"][0].name == "通义千问:7b"


def test_several_objects_one_a_line_the_last_counts() -> None:
    assert streamed([b'{"models":[]}\n{"models":[{"name":"a","digest":"d"}]}\n']
                    )["models"][0].name == "a"


@pytest.mark.parametrize("body", [b'{"models":[{"name":"a","digest":"d"}', b'{"models":[',
                                  b'{"models":[}]}', b'{"models" [] }', b'{"a":1}x'])
def test_a_body_cut_short_or_broken_is_a_protocol_error(body: bytes) -> None:
    with pytest.raises(ProtocolError):
        streamed([body])


def test_bytes_that_are_not_utf8_are_a_protocol_error() -> None:
    with pytest.raises(ProtocolError):
        streamed([b'{"models":[{"name":"\xff"}]}'])


@pytest.mark.parametrize("body", [b"<html><body>502</body></html>", b"[]", b'"text"'])
def test_a_body_that_is_not_an_object_is_left_to_the_whole_reader(body: bytes) -> None:
    with pytest.raises(NotStreamable):
        streamed([body])


def test_a_long_value_in_small_chunks_is_not_parsed_again_for_each_chunk(monkeypatch) -> None:
    attempts = 0
    real = ArrayMemberDecoder._advance

    def counted(self: ArrayMemberDecoder) -> None:
        nonlocal attempts
        attempts += 1
        real(self)

    monkeypatch.setattr(ArrayMemberDecoder, "_advance", counted)
    body = b'{"models":[{"name":"' + b"x" * 1_000_000 + b'","digest":"d"}]}'
    chunks = [body[i:i + 1000] for i in range(0, len(body), 1000)]  # 1,000 chunks
    assert streamed(chunks)["models"][0].name == "x" * 1_000_000
    assert attempts < 40  # tried again as the text doubles, not at each of 1,000 chunks


@pytest.mark.parametrize("body", [
    b'{"models": [{"name": "a", "details": ' + b"[" * 1100 + b"]" * 1100 + b"}]}",
    b'{"models": [' + b"[" * 1100 + b"]" * 1100 + b"]}",  # an entry that is not an object
    b'{"other": ' + b"{\"a\":" * 1100 + b"1" + b"}" * 1100 + b', "models": []}',
], ids=["details", "entry", "member"])
def test_json_nested_past_python_s_recursion_limit_is_a_protocol_error(body: bytes) -> None:
    for chunks in ([body], [body[i:i + 100] for i in range(0, len(body), 100)]):
        with pytest.raises(ProtocolError, match="nested more than 64 levels deep"):
            streamed(chunks)
