"""Which copies the models × hosts matrix calls stale (≠): those older than the newest copy
some host has. The newest is the one the registry serves now, when an update check said,
else the one changed last; the majority does not win."""

from tui.ollama.models import ModelSummary
from tui.ollama.names import model_key
from tui.services.fleet import HostReport, SameVersions, matrix

OLD, NEW, RECODED = "a" * 64, "b" * 64, "c" * 64


def host(name: str, digest: str, modified: str) -> HostReport:
    return HostReport(name, f"http://127.0.0.1/{name}", online=True, models=[
        ModelSummary("llama3.2:latest", digest=digest, modified_at_text=modified)])


def fleet(updated_on: str = "gpu1") -> list[HostReport]:
    """Three hosts; `updated_on`'s copy is the one updated last (the others are older)."""
    return [host(name, NEW if name == updated_on else OLD,
                 "2026-11-30T10:00:00Z" if name == updated_on else "2026-10-01T10:00:00Z")
            for name in ("gpu1", "gpu2", "gpu3")]


def test_the_copy_changed_last_is_the_newest_and_the_older_ones_are_stale() -> None:
    (row,) = matrix(fleet())
    assert row.stale == {"gpu2", "gpu3"}  # two hosts of three: the majority is stale
    assert row.to_json() == {"name": "llama3.2:latest",
                             "hosts": {"gpu1": NEW, "gpu2": OLD, "gpu3": OLD},
                             "stale_on": ["gpu2", "gpu3"], "copies_on": [],
                             "newest_on": ["gpu1"], "newest_by": "modified"}


def test_the_registrys_current_digest_wins_over_the_time_a_copy_changed() -> None:
    # gpu1's copy was changed last, but the registry serves gpu2's and gpu3's version.
    (row,) = matrix(fleet(), registry={model_key("llama3.2:latest"): frozenset({OLD})})
    assert row.stale == {"gpu1"}
    assert row.to_json()["newest_by"] == "registry"
    assert row.to_json()["newest_on"] == ["gpu2", "gpu3"]


def test_a_registry_digest_no_host_has_falls_back_to_the_time() -> None:
    (row,) = matrix(fleet("gpu3"), registry={model_key("llama3.2:latest"): frozenset({"d" * 64})})
    assert row.stale == {"gpu1", "gpu2"} and row.newest[1] == "modified"


def test_a_transferred_copy_of_the_newest_is_not_stale() -> None:
    # Three hosts still have the old version: they are the stale ones, not the two new.
    reports = [*fleet(), host("gpu4", OLD, "2026-09-01T10:00:00Z"),
               host("gpu5", RECODED, "2026-11-01T10:00:00Z")]  # a re-encoded copy of NEW
    (row,) = matrix(reports, SameVersions([(NEW, RECODED)]))
    assert row.stale == {"gpu2", "gpu3", "gpu4"} and row.copies == {"gpu5"}


def test_one_version_everywhere_is_never_stale() -> None:
    reports = [host(n, OLD, t) for n, t in (("gpu1", "2026-01-01T00:00:00Z"),
                                            ("gpu2", "2026-06-01T00:00:00Z"))]
    (row,) = matrix(reports)
    assert row.stale == set() and row.to_json()["newest_by"] is None
    assert row.to_json()["newest_on"] == ["gpu1", "gpu2"]


def test_without_times_or_registry_most_hosts_decide() -> None:
    reports = [host(n, d, "") for n, d in (("gpu1", NEW), ("gpu2", OLD), ("gpu3", OLD))]
    (row,) = matrix(reports)
    assert row.stale == {"gpu1"} and row.newest[1] == "most hosts"


def test_one_registry_version_listed_under_two_digests_is_newest_on_both() -> None:
    # An old server lists the re-encoded digest of the version a new server lists as is:
    # the registry knows both, and neither copy is older; gpu3's is.
    reports = [host("old-server", RECODED, "2026-11-30T10:00:00Z"),
               host("new-server", NEW, "2026-11-29T10:00:00Z"),
               host("gpu3", OLD, "2026-12-01T09:00:00Z")]
    registry = {model_key("llama3.2:latest"): frozenset({NEW, RECODED})}
    (row,) = matrix(reports, registry=registry)
    assert row.stale == {"gpu3"} and row.to_json()["newest_by"] == "registry"


def test_a_time_still_to_come_does_not_make_a_copy_the_newest() -> None:
    # gpu1's clock (or a hostile server) says 9999: the copy changed last is gpu2's.
    reports = [host("gpu1", OLD, "9999-12-31T23:59:59Z"), host("gpu2", NEW,
                                                              "2026-11-30T10:00:00Z")]
    (row,) = matrix(reports)
    assert row.stale == {"gpu1"} and row.newest[1] == "modified"
