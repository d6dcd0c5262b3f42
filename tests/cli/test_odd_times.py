"""Times as a server may write them: Ollama writes RFC 3339 with a zone, another server may
leave the zone out. Either is a time, compared with the others, never a traceback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.capture_server import CaptureServer
from tui import cli
from tui.ollama.models import parse_timestamp


def listed(name: str, digest: str, modified_at: str) -> dict[str, object]:
    return {"name": name, "model": name, "size": 1000, "digest": digest,
            "modified_at": modified_at, "details": {"format": "gguf", "family": "llama"}}


@pytest.fixture
def two_hosts(tmp_path: Path) -> Iterator[tuple[CaptureServer, CaptureServer, Path]]:
    zoneless, zoned = CaptureServer(), CaptureServer()
    zoneless.models = [listed("m:latest", "a" * 64, "2025-01-01T10:00:00"),
                       listed("n:latest", "c" * 64, "2025-03-01T10:00:00.123456789")]
    zoned.models = [listed("m:latest", "b" * 64, "2025-06-01T10:00:00Z")]
    config = tmp_path / "c.toml"
    config.write_text(f'[hosts.old]\nurl = "{zoneless.url}"\n[hosts.new]\nurl = "{zoned.url}"\n')
    yield zoneless, zoned, config
    zoneless.close()
    zoned.close()


def test_a_time_without_a_zone_is_read_as_utc() -> None:
    assert parse_timestamp("2025-01-01T10:00:00") == datetime(2025, 1, 1, 10, tzinfo=UTC)
    assert parse_timestamp("2025-01-01T10:00:00Z") == datetime(2025, 1, 1, 10, tzinfo=UTC)


def test_list_shows_models_whose_times_have_no_zone(two_hosts, capsys) -> None:
    zoneless, _zoned, config = two_hosts
    assert cli.main(["--config", str(config), "--host", zoneless.url, "list"]) == 0
    out = capsys.readouterr().out
    assert "m:latest" in out and "n:latest" in out


def test_fleet_compares_a_zoneless_time_with_a_zoned_one(two_hosts, capsys) -> None:
    _zoneless, _zoned, config = two_hosts
    assert cli.main(["--config", str(config), "fleet", "--json"]) == 0
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)["models"]}
    assert rows["m:latest"]["newest_on"] == ["new"]  # June's copy is newer than January's
