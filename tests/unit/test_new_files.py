"""Files made for the user are always new: never over a file left there, never through a
link left there, numbered beside what is there."""

import os
from pathlib import Path

import pytest

from tui.services.new_files import open_new, write_new_file


def test_write_new_file_numbers_past_what_is_there_and_leaves_it(tmp_path: Path) -> None:
    (tmp_path / "m.Modelfile").write_text("mine")
    assert write_new_file(tmp_path, "m", ".Modelfile", "FROM a\n") == tmp_path / "m-2.Modelfile"
    assert write_new_file(tmp_path, "m", ".Modelfile", "FROM b\n") == tmp_path / "m-3.Modelfile"
    assert (tmp_path / "m.Modelfile").read_text() == "mine"
    assert (tmp_path / "m-2.Modelfile").read_text() == "FROM a\n"
    assert (tmp_path / "m-3.Modelfile").read_text() == "FROM b\n"


def test_write_new_file_starts_with_the_plain_name(tmp_path: Path) -> None:
    path = write_new_file(tmp_path, "qwen", ".Modelfile", "SYSTEM \"\"\"Grüß dich\"\"\"\n")
    assert path == tmp_path / "qwen.Modelfile"
    assert path.read_bytes() == "SYSTEM \"\"\"Grüß dich\"\"\"\n".encode()


def test_write_new_file_never_writes_through_a_link(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("keep")
    (tmp_path / "m.Modelfile").symlink_to(victim)
    (tmp_path / "m-2.Modelfile").symlink_to(tmp_path / "made-by-the-link")  # dangling
    path = write_new_file(tmp_path, "m", ".Modelfile", "FROM a\n")
    assert path == tmp_path / "m-3.Modelfile" and not path.is_symlink()
    assert victim.read_text() == "keep"
    assert not (tmp_path / "made-by-the-link").exists()


def test_write_new_file_gives_up_after_99(tmp_path: Path) -> None:
    for number in range(1, 100):
        (tmp_path / (f"m-{number}.x" if number > 1 else "m.x")).write_text("mine")
    with pytest.raises(FileExistsError, match="99 files of that name"):
        write_new_file(tmp_path, "m", ".x", "text")
    assert {p.read_text() for p in tmp_path.iterdir()} == {"mine"}


def test_open_new_refuses_a_file_or_a_link_already_there(tmp_path: Path) -> None:
    there = tmp_path / "b.tar.part"
    there.write_bytes(b"old")
    link = tmp_path / "l.part"
    link.symlink_to(tmp_path / "target")
    for path in (there, link):
        with pytest.raises(FileExistsError):
            open_new(path)
    assert there.read_bytes() == b"old" and not (tmp_path / "target").exists()


def test_open_new_writes_bytes_with_the_umask_applied(tmp_path: Path) -> None:
    previous = os.umask(0o027)
    try:
        with open_new(tmp_path / "new") as out:
            out.write(b"\x00bytes")
    finally:
        os.umask(previous)
    assert (tmp_path / "new").read_bytes() == b"\x00bytes"
    assert (tmp_path / "new").stat().st_mode & 0o777 == 0o640
