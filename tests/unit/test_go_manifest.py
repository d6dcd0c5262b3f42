"""Go's re-encoding of a registry manifest (what Ollama before 0.19 wrote after a pull),
checked against bytes worked out by hand from encoding/json's rules."""

import hashlib
import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core.go_manifest import go_reencoding, local_digests
from tui.emulator.go_manifest import go_reencoded as emulator_reencoded

FUZZ = settings(max_examples=int(os.environ.get("QGOOSE_FUZZ_EXAMPLES", "150")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

MT = "application/vnd.docker.distribution.manifest.v2+json"
CFG = "application/vnd.docker.container.image.v1+json"
MODEL = "application/vnd.ollama.image.model"
D1, D2 = "sha256:" + "a" * 64, "sha256:" + "b" * 64

# Go's bytes for the manifest every test below starts from.
GO = (f'{{"schemaVersion":2,"mediaType":"{MT}",'
      f'"config":{{"mediaType":"{CFG}","digest":"{D1}","size":487}},'
      f'"layers":[{{"mediaType":"{MODEL}","digest":"{D2}","size":2019377376}}]}}').encode()


def test_go_bytes_come_back_unchanged() -> None:
    assert go_reencoding(GO) == GO


def test_pretty_printed_input_becomes_compact() -> None:
    pretty = f"""
{{
   "schemaVersion": 2,
   "mediaType": "{MT}",
   "config": {{
      "mediaType": "{CFG}",
      "digest": "{D1}",
      "size": 487
   }},
   "layers": [
      {{
         "mediaType": "{MODEL}",
         "digest": "{D2}",
         "size": 2019377376
      }}
   ]
}}
""".encode()
    assert go_reencoding(pretty) == GO


def test_reordered_fields_take_the_structs_order() -> None:
    reordered = (f'{{"layers":[{{"size":2019377376,"digest":"{D2}","mediaType":"{MODEL}"}}],'
                 f'"config":{{"size":487,"mediaType":"{CFG}","digest":"{D1}"}},'
                 f'"mediaType":"{MT}","schemaVersion":2}}').encode()
    assert go_reencoding(reordered) == GO


def test_html_characters_are_escaped_as_go_does() -> None:
    body = (b'{"schemaVersion":2,"mediaType":"a<b>&c","config":{},'
            b'"layers":[{"mediaType":"x","digest":"d","size":1,"from":"\\u003cq\\u003e"}]}')
    assert go_reencoding(body) == (
        b'{"schemaVersion":2,"mediaType":"a\\u003cb\\u003e\\u0026c",'
        b'"config":{"mediaType":"","digest":"","size":0},'
        b'"layers":[{"mediaType":"x","digest":"d","size":1,"from":"\\u003cq\\u003e"}]}')


def test_line_separators_controls_and_non_ascii() -> None:
    # Raw U+2028 and an escaped U+2029 both come out escaped; é stays raw UTF-8 whether
    # it came raw or escaped; DEL stays raw; control characters get Go's escapes.
    body = ('{"mediaType":"\u2028\\u2029é\\u00e9\x7f\\u0001\\n\\t\\b\\f\\r\\/\\"\\\\",'
            '"layers":[]}').encode()
    assert go_reencoding(body) == (
        '{"schemaVersion":0,"mediaType":"\\u2028\\u2029éé\x7f\\u0001\\n\\t\\b\\f\\r/\\"\\\\",'
        '"config":{"mediaType":"","digest":"","size":0},"layers":[]}').encode()


def test_invalid_utf8_becomes_u_fffd_byte_by_byte() -> None:
    # A truncated three-byte sequence is two bad bytes: two replacement characters, raw.
    body = b'{"mediaType":"a\xe2\x82b\xffc","layers":[]}'
    assert go_reencoding(body) == (
        '{"schemaVersion":0,"mediaType":"a\ufffd\ufffdb\ufffdc",'
        '"config":{"mediaType":"","digest":"","size":0},"layers":[]}').encode()
    # An unpaired surrogate escape too; a pair is one character.
    body = b'{"mediaType":"\\ud800x\\ud83d\\ude00","layers":[]}'
    assert go_reencoding(body).startswith(
        '{"schemaVersion":0,"mediaType":"\ufffdx\U0001f600"'.encode())


def test_unknown_fields_are_dropped_and_missing_ones_are_zero() -> None:
    body = (b'{"schemaVersion":2,"annotations":{"org.opencontainers":"x","size":"big"},'
            b'"config":{"digest":"d","urls":["u"]},'
            b'"layers":[{"digest":"e","size":7,"annotations":[1,2.5,null,true]}],'
            b'"subject":null}')
    assert go_reencoding(body) == (
        b'{"schemaVersion":2,"mediaType":"","config":{"mediaType":"","digest":"d","size":0},'
        b'"layers":[{"mediaType":"","digest":"e","size":7}]}')


def test_missing_layers_are_null_and_an_empty_list_stays_empty() -> None:
    assert go_reencoding(b'{"schemaVersion":2}') == (
        b'{"schemaVersion":2,"mediaType":"","config":{"mediaType":"","digest":"","size":0},'
        b'"layers":null}')
    assert go_reencoding(b'{"layers":[]}').endswith(b'"layers":[]}')
    assert go_reencoding(b"null") == go_reencoding(b"{}")  # the zero manifest


def test_from_is_kept_when_set_and_name_only_from_0_14() -> None:
    body = (b'{"layers":[{"mediaType":"m","digest":"d","size":1,"from":"",'
            b'"name":"model.embed_tokens.weight"},{"from":"base","size":2}]}')
    assert go_reencoding(body).endswith(
        b'"layers":[{"mediaType":"m","digest":"d","size":1},'
        b'{"mediaType":"","digest":"","size":2,"from":"base"}]}')
    assert go_reencoding(body, tensor_names=True).endswith(
        b'"layers":[{"mediaType":"m","digest":"d","size":1,"name":"model.embed_tokens.weight"},'
        b'{"mediaType":"","digest":"","size":2,"from":"base"}]}')


def test_keys_match_fields_whatever_their_case() -> None:
    body = ('{"SCHEMAVERSION":2,"MediaType":"t","CONFIG":{"DIGEST":"c","Size":3},'
            '"Layers":[{"dige\u017ft":"d","\u017fize":4}]}').encode()
    assert go_reencoding(body) == (
        b'{"schemaVersion":2,"mediaType":"t","config":{"mediaType":"","digest":"c","size":3},'
        b'"layers":[{"mediaType":"","digest":"d","size":4}]}')


def test_a_repeated_key_decodes_again_into_what_is_there() -> None:
    # Scalars: the last wins; config: merged; layers: the second list reuses the first's
    # elements (fields it does not name stay), and a longer third one finds stale ones.
    body = (b'{"mediaType":"a","mediaType":"b","config":{"digest":"c1","size":1},'
            b'"config":{"size":2},"layers":[{"digest":"x","size":1},{"digest":"y"}],'
            b'"layers":[{"size":9}],"layers":[{},{},{}]}')
    assert go_reencoding(body) == (
        b'{"schemaVersion":0,"mediaType":"b","config":{"mediaType":"","digest":"c1","size":2},'
        b'"layers":[{"mediaType":"","digest":"x","size":9},'
        b'{"mediaType":"","digest":"y","size":0},{"mediaType":"","digest":"","size":0}]}')
    # null and an empty list start afresh.
    assert go_reencoding(b'{"layers":[{"digest":"x"}],"layers":null,"layers":[{}]}') \
        .endswith(b'"layers":[{"mediaType":"","digest":"","size":0}]}')


def test_null_leaves_a_field_as_it_was() -> None:
    body = b'{"schemaVersion":2,"schemaVersion":null,"config":null,"layers":[null]}'
    assert go_reencoding(body) == (
        b'{"schemaVersion":2,"mediaType":"","config":{"mediaType":"","digest":"","size":0},'
        b'"layers":[{"mediaType":"","digest":"","size":0}]}')


def test_integers_as_written_negative_and_large() -> None:
    body = b'{"schemaVersion":-0,"config":{"size":-1},"layers":[{"size":9223372036854775807}]}'
    assert go_reencoding(body) == (
        b'{"schemaVersion":0,"mediaType":"","config":{"mediaType":"","digest":"","size":-1},'
        b'"layers":[{"mediaType":"","digest":"","size":9223372036854775807}]}')


def test_whitespace_before_and_anything_after_the_value() -> None:
    assert go_reencoding(b" \r\n\t" + GO + b"\n{garbage") == GO


@pytest.mark.parametrize("body", [
    b"", b"   ", b"[]", b'"text"', b"2", b"{", b'{"a":NaN}', b'{"a":-Infinity}',
    b'\xef\xbb\xbf{"layers":[]}',  # a BOM: Go's scanner refuses it
    b'{"schemaVersion":"2"}', b'{"schemaVersion":2.0}', b'{"schemaVersion":true}',
    b'{"config":{"size":1e3}}', b'{"config":{"size":9223372036854775808}}',
    b'{"config":[]}', b'{"layers":{}}', b'{"layers":[1]}', b'{"layers":"x"}',
    b'{"mediaType":5}', b'{"config":{"digest":{}}}', b'{"layers":[{"from":false}]}',
    b'{"mediaType":"a\x01b"}',  # a raw control character in a string
    # Go follows 10,000 levels of nesting in an unknown field; we stop sooner and then
    # claim no digest (a registry that nests like this is not serving a model).
    b'{"a":' + b"[" * 5000 + b"]" * 5000 + b"}",
])
def test_what_go_would_refuse_has_no_reencoding(body: bytes) -> None:
    assert go_reencoding(body) is None


def test_a_wrongly_typed_name_matters_only_where_name_is_a_field() -> None:
    body = b'{"layers":[{"digest":"d","name":5}]}'
    assert go_reencoding(body) is not None
    assert go_reencoding(body, tensor_names=True) is None


def test_local_digests_hold_the_raw_and_the_go_digest() -> None:
    pretty = GO.replace(b",", b", ")
    assert local_digests(pretty) == {hashlib.sha256(pretty).hexdigest(),
                                     hashlib.sha256(GO).hexdigest()}
    assert local_digests(GO) == {hashlib.sha256(GO).hexdigest()}
    assert local_digests(b"not json") == {hashlib.sha256(b"not json").hexdigest()}


# -- the emulator's own copy agrees ------------------------------------------------------
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12) | st.sampled_from(
    ["<|im_end|>", "a&b", "\u2028\u2029", "é\U0001f600", "\x00\x1f\x7f", '"\\'])


@st.composite
def manifests(draw: st.DrawFn) -> bytes:
    """Well-formed manifests as registries lay them out: any key order, spacing, escaping,
    with unknown fields, `from` sometimes."""
    def layer() -> dict[str, object]:
        fields: dict[str, object] = {"mediaType": draw(TEXT), "digest": draw(TEXT),
                                     "size": draw(st.integers(0, 2**63 - 1))}
        if draw(st.booleans()):
            fields["from"] = draw(TEXT)
        if draw(st.booleans()):
            fields["urls"] = draw(st.lists(TEXT, max_size=2))
        return dict(draw(st.permutations(list(fields.items()))))

    fields = {"schemaVersion": draw(st.integers(0, 3)), "mediaType": draw(TEXT),
              "config": layer(), "layers": draw(st.lists(st.builds(layer), max_size=4))}
    if draw(st.booleans()):
        fields["annotations"] = {"org.example": draw(TEXT)}
    ordered = dict(draw(st.permutations(list(fields.items()))))
    return json.dumps(ordered, indent=draw(st.sampled_from([None, 2, 3, "\t"])),
                      ensure_ascii=draw(st.booleans())).encode()


@FUZZ
@given(manifests())
def test_the_emulators_reencoding_agrees_with_ours(body: bytes) -> None:
    ours = go_reencoding(body)
    assert ours is not None and ours == emulator_reencoded(body)
    decoded = json.loads(ours)
    assert list(decoded) == ["schemaVersion", "mediaType", "config", "layers"]
    assert json.loads(body)["layers"] == [] or list(decoded["layers"][0])[:3] == \
        ["mediaType", "digest", "size"]
    assert not any(ch in ours.decode() for ch in "<>&\u2028\u2029")  # escaped, as Go does


@FUZZ
@given(st.binary(max_size=200) | manifests().map(lambda b: b.replace(b"2", b"\xff", 1)))
def test_any_bytes_give_bytes_or_none(body: bytes) -> None:
    again = go_reencoding(body, tensor_names=True)
    assert again is None or again.startswith(b'{"schemaVersion":')
    assert hashlib.sha256(body).hexdigest() in local_digests(body)
