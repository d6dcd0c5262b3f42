"""A digest is `sha256:` and 64 lowercase hex digits, nothing else: it names a file and a
URL, so a path, a traversal or a near miss is refused where a manifest is read."""

import pytest

from tui.ollama.digests import BadDigest, blob_file_name, check_digest, is_digest

GOOD = "sha256:" + "0123456789abcdef" * 4


def test_the_one_true_form_is_taken() -> None:
    assert check_digest(GOOD) == GOOD and is_digest(GOOD)
    assert blob_file_name(GOOD) == "sha256-" + GOOD[7:]


@pytest.mark.parametrize("value", [
    "/etc/passwd", "../create", "sha256:../../x", GOOD.upper(), "sha256:" + "A" * 64,
    GOOD + "\n", GOOD + "0", GOOD[:-1], "sha256-" + GOOD[7:], "sha512:" + "0" * 128,
    " " + GOOD, "sha256:" + "０" * 64, "", None, 5, ["sha256:"], GOOD.replace("0", "g")])
def test_anything_else_is_refused_saying_what_it_is(value: object) -> None:
    assert not is_digest(value)
    with pytest.raises(BadDigest, match=r"is not a digest \(sha256: and 64 lowercase hex"):
        check_digest(value)
    with pytest.raises(BadDigest):
        blob_file_name(value)  # type: ignore[arg-type]


def test_a_long_value_is_quoted_in_part() -> None:
    with pytest.raises(BadDigest) as refused:
        check_digest("/" + "x" * 5000)
    assert len(str(refused.value)) < 160 and "…" in str(refused.value)
