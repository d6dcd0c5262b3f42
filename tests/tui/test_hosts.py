"""The fleet in the TUI: the Hosts view and its matrix, pulling onto and deleting from
chosen hosts, switching hosts while another host's pull goes on, a dead host."""

import socket
from pathlib import Path

import pytest

from tests.tui.helpers import (
    grid_names,
    models_view,
    notices,
    screen_text,
    shows,
    started,
    type_text,
    wait_until,
)
from tui.emulator.demo_models import demo_catalog
from tui.services.config import Settings
from tui.services.hosts_config import HostConfig
from tui.ui.app import QGooseApp
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.hosts import HostsScreen
from tui.ui.screens.hosts_dialog import HostPicker, HostsDialog


def demo(tmp_path: Path) -> QGooseApp:
    return QGooseApp(Settings(path=tmp_path / "config.toml", update_check_delay=0.01), demo=True)


def matrix_row(app, model: str) -> list[str]:
    view = app.views["hosts"]
    index = next(i for i, r in enumerate(view._rows) if r.name == model)
    return [str(cell) for cell in view.matrix.get_row_at(index)]


async def fleet_ready(pilot) -> None:
    app = pilot.app
    await started(pilot)
    await wait_until(pilot, lambda: all(s.state.online for s in app.sessions.values()),
                     timeout=10)
    for _, emulator in app.fleet_emulators:
        emulator.pull_rate, emulator.progress_interval = 4e9, 0.005  # seconds, not minutes
    await pilot.press("4")
    await wait_until(pilot, lambda: isinstance(app.screen, HostsScreen))


async def test_the_matrix_shows_who_has_what(tmp_path: Path) -> None:
    app = demo(tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        await fleet_ready(pilot)
        assert shows(app, "gpu-a") and shows(app, "gpu-b")
        assert matrix_row(app, "mistral:latest") == ["mistral:latest", "✓", "✓", "≠"]
        assert matrix_row(app, "qwen3:8b") == ["qwen3:8b", "✓", "·", "·"]
        await pilot.press("slash")
        await type_text(pilot, "llama")
        assert [r.name for r in app.views["hosts"]._rows] == ["llama3.2:latest", "llava:7b",
                                                              "mistral:latest"]


async def test_after_an_update_the_stale_copies_are_flagged_not_the_new_one(
        tmp_path: Path) -> None:
    # U updated llama3.2 here: the two other hosts still have the old version. The matrix
    # once flagged the new copy ≠ (one host against two) and the stale ones ✓.
    app = demo(tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        await fleet_ready(pilot)
        assert matrix_row(app, "llama3.2:latest")[1:] == ["✓", "✓", "✓"]
        old = next(m for m in app.session.state.models if m.name == "llama3.2:latest")
        await wait_until(pilot, lambda: app.session.model_updates.state_of(old)
                         == "update available", timeout=10)
        await pilot.press("1")
        models_view(app).grid.select_name("llama3.2:latest")
        await pilot.press("U")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: any(m.name == "llama3.2:latest" and m.digest != old.digest
                                            for m in app.session.state.models), timeout=20)
        await pilot.press("4")
        await wait_until(pilot, lambda: matrix_row(app, "llama3.2:latest")[1:]
                         == ["✓", "≠", "≠"], timeout=10)
        assert "≠ older than another host's" in screen_text(app)


async def test_the_matrix_filter_answers_capabilities_from_every_host(tmp_path: Path) -> None:
    # cap:vision once matched nothing here (the matrix had no facts), and said nothing.
    app = demo(tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        await fleet_ready(pilot)
        vision = {m.name for m in demo_catalog() if "vision" in m.capabilities}
        expected = sorted({m.name for s in app.sessions.values() for m in s.state.models
                           if m.name in vision}, key=str.casefold)
        assert expected
        await pilot.press("slash")
        await type_text(pilot, "cap:vision")
        view = app.screen
        assert isinstance(view, HostsScreen)
        await wait_until(pilot, lambda: [r.name for r in view.rows()] == expected, timeout=10)
        assert view.filter_bar.problems == ()


async def test_pull_onto_the_hosts_that_lack_a_model_then_delete_a_stale_copy(
        tmp_path: Path) -> None:
    app = demo(tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        await fleet_ready(pilot)
        view = app.views["hosts"]
        view.matrix.move_cursor(row=next(i for i, r in enumerate(view._rows)
                                         if r.name == "qwen3:8b"))
        await pilot.press("p")
        assert isinstance(app.screen, HostsDialog)
        assert app.screen.query_one("SelectionList").selected == ["gpu-a", "gpu-b"]
        await pilot.press("enter")
        await wait_until(pilot, lambda: matrix_row(app, "qwen3:8b")[1:] == ["✓", "✓", "✓"],
                         timeout=20)
        # The stale copy of mistral on gpu-b goes; the other hosts keep theirs.
        view.matrix.move_cursor(row=next(i for i, r in enumerate(view._rows)
                                         if r.name == "mistral:latest"))
        await pilot.press("d")  # each host is asked what the delete frees there
        await wait_until(pilot, lambda: isinstance(app.screen, HostsDialog))
        assert shows(app, "gpu-b: frees")
        assert app.screen.query_one("SelectionList").selected == []  # nothing by default
        await pilot.press("down", "down", "space", "enter")
        await wait_until(pilot, lambda: "Deleted mistral:latest from gpu-b" in notices(app))
        await wait_until(pilot, lambda: matrix_row(app, "mistral:latest")[1:] ==
                         ["✓", "✓", "·"])


async def test_switching_hosts_keeps_the_other_hosts_pulls_going(tmp_path: Path) -> None:
    app = demo(tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        await fleet_ready(pilot)
        gpu_a = dict(app.fleet_emulators)["gpu-a"]
        # Slow, in few progress lines: Pilot waits for an idle process between keys.
        gpu_a.pull_rate, gpu_a.progress_interval = 2e8, 0.2
        await pilot.press("1", "h")
        assert isinstance(app.screen, HostPicker)
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: sorted(grid_names(app)) == [
            "llama3.2:latest", "mistral:latest", "phi4:14b", "qwen2.5:7b"])
        assert "gpu-a" in screen_text(app)  # the status bar says which host
        app.start_pull("qwen3:8b")
        job = app.sessions["gpu-a"].pulls.get("qwen3:8b")
        await wait_until(pilot, lambda: job.progress.completed > 0)
        await pilot.press("h", "up", "enter")  # back to the emulator
        await wait_until(pilot, lambda: len(grid_names(app)) == 10)
        await pilot.press("3")  # this host's pulls, and word of the others'
        await wait_until(pilot, lambda: shows(
            app, "Pulls on other hosts (h shows one): gpu-a: ⇣ 1"))
        # gpu-a's pull went on while another host was on screen, and still does.
        before = job.progress.completed
        await wait_until(pilot, lambda: job.progress.completed > before, timeout=10)
        assert job.running
        app.sessions["gpu-a"].pulls.cancel("qwen3:8b")


@pytest.mark.size(120, 30)
async def test_the_host_picker_lines_up_its_columns(tmp_path: Path) -> None:
    app = demo(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await fleet_ready(pilot)
        await pilot.press("1", "h")
        assert isinstance(app.screen, HostPicker)
        lines = [line for line in screen_text(app).splitlines()
                 if " online " in line and "▊" in line]
        assert len(lines) == 3
        # "emulator  online  10 models" over "gpu-a  online  4 models" read as one table.
        assert len({line.index(" online ") for line in lines}) == 1
        assert len({line.index(" models") for line in lines}) == 1


async def test_a_dead_host_never_stops_the_others(emulator, make_app) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    app = make_app(emulator.url)
    app.settings.hosts = {"live": HostConfig("live", emulator.url),
                          "dead": HostConfig("dead", f"http://127.0.0.1:{closed}")}
    app.settings.host_name = "live"
    async with app.run_test(size=(120, 30)) as pilot:
        await started(pilot)
        await pilot.press("4")
        await wait_until(pilot, lambda: "offline" in screen_text(app))
        assert matrix_row(app, "mistral:latest") == ["mistral:latest", "✓"]  # live only
        assert shows(app, "live") and shows(app, "dead")


async def test_transfer_from_the_matrix(tmp_path: Path, make_app) -> None:
    from tui.emulator.server import running_emulator
    from tui.emulator.store import Store

    store_dir = tmp_path / "models"
    async with running_emulator(store=Store.small(["tiny-a:1m"]), models_dir=store_dir) as a, \
            running_emulator(store=Store.small([])) as b:
        app = make_app(a.url)
        app.settings.hosts = {"one": HostConfig("one", a.url, models_dir=str(store_dir)),
                              "two": HostConfig("two", b.url)}
        app.settings.host_name = "one"
        async with app.run_test(size=(120, 30)) as pilot:
            await started(pilot)
            await wait_until(pilot, lambda: all(s.state.online for s in app.sessions.values()))
            await pilot.press("4")
            await wait_until(pilot, lambda: isinstance(app.screen, HostsScreen))
            await wait_until(pilot, lambda: bool(getattr(app.views["hosts"], "_rows", [])))
            await pilot.press("t")
            assert isinstance(app.screen, HostsDialog) and shows(app, "Copy tiny-a:1m from one")
            await pilot.press("enter")
            await wait_until(pilot, lambda: "tiny-a:1m is on two" in notices(app))
            await wait_until(pilot, lambda: matrix_row(app, "tiny-a:1m") ==
                             ["tiny-a:1m", "✓", "✓"])
        same = {s.state.models[0].digest for s in app.sessions.values()}
        assert len(same) == 1  # the same digest on both hosts


async def test_a_copy_the_target_re_encoded_is_the_same_version(tmp_path: Path,
                                                                  make_app) -> None:
    from tui.emulator.server import running_emulator
    from tui.emulator.store import Store

    store_dir = tmp_path / "models"
    async with running_emulator(store=Store.small(["tiny-a:1m"]), models_dir=store_dir) as a, \
            running_emulator(store=Store.small([]), server_version="0.33") as b:
        app = make_app(a.url)
        app.settings.hosts = {"one": HostConfig("one", a.url, models_dir=str(store_dir)),
                              "two": HostConfig("two", b.url)}
        app.settings.host_name = "one"
        async with app.run_test(size=(120, 30)) as pilot:
            await started(pilot)
            await wait_until(pilot, lambda: all(s.state.online for s in app.sessions.values()))
            await pilot.press("4")
            await wait_until(pilot, lambda: bool(getattr(app.views["hosts"], "_rows", [])))
            await pilot.press("t", "enter")
            await wait_until(pilot, lambda: "re-encoded by the target (Ollama ≥ 0.30)"
                             in notices(app))
            await wait_until(pilot, lambda: matrix_row(app, "tiny-a:1m") ==
                             ["tiny-a:1m", "✓", "✓"])
            digests = {s.state.models[0].digest for s in app.sessions.values()}
            assert len(digests) == 2  # two digests, one version: the history says so
        # A new run reads the remembered transfer: still the same version.
        again = make_app(a.url)
        again.settings.hosts = app.settings.hosts
        again.settings.host_name = "one"
        async with again.run_test(size=(120, 30)) as pilot:
            await started(pilot)
            await wait_until(pilot, lambda: all(s.state.online for s in again.sessions.values()))
            await pilot.press("4")
            await wait_until(pilot, lambda: matrix_row(again, "tiny-a:1m") ==
                             ["tiny-a:1m", "✓", "✓"])


async def test_a_target_whose_store_is_writable_gets_the_files(tmp_path: Path,
                                                               make_app) -> None:
    from tui.emulator.server import running_emulator
    from tui.emulator.store import Store

    one_dir, two_dir = tmp_path / "one", tmp_path / "two"
    async with running_emulator(store=Store.small(["tiny-a:1m"]), models_dir=one_dir) as a, \
            running_emulator(store=Store.small([]), models_dir=two_dir,
                             server_version="0.33") as b:
        app = make_app(a.url)
        app.settings.hosts = {"one": HostConfig("one", a.url, models_dir=str(one_dir)),
                              "two": HostConfig("two", b.url, models_dir=str(two_dir))}
        app.settings.host_name = "one"
        async with app.run_test(size=(120, 30)) as pilot:
            await started(pilot)
            await wait_until(pilot, lambda: all(s.state.online for s in app.sessions.values()))
            await pilot.press("4")
            await wait_until(pilot, lambda: bool(getattr(app.views["hosts"], "_rows", [])))
            await pilot.press("t", "enter")
            await wait_until(pilot, lambda: "tiny-a:1m is on two: wrote" in notices(app))
            assert "into its models directory" in notices(app)
            assert "the same digest on both" in notices(app)
            await wait_until(pilot, lambda: matrix_row(app, "tiny-a:1m") ==
                             ["tiny-a:1m", "✓", "✓"])
        assert not [r for r in b.requests if r.path == "/api/create"]
        assert len({s.state.models[0].digest for s in app.sessions.values()}) == 1


def test_how_long_a_host_has_been_up_or_down() -> None:
    import time

    from tui.ui.screens.hosts import state_text

    class FakeSession:
        def __init__(self, online: bool, since: float) -> None:
            from tui.core.server_state import ServerState

            self.state = ServerState()
            self.state.online = online
            self.state.online_since = self.state.offline_since = since

    assert str(state_text(FakeSession(True, time.monotonic() - 600))).startswith("online 10")
    assert str(state_text(FakeSession(True, time.monotonic()))) == "online"
    assert str(state_text(FakeSession(False, time.monotonic() - 120))).startswith("offline 2")


async def test_focus_starts_in_the_matrix_and_ticks_read_without_colour(tmp_path: Path) -> None:
    app = demo(tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        await fleet_ready(pilot)
        view = app.views["hosts"]
        await pilot.pause()
        assert app.focused is view.matrix  # keys move the matrix's cursor at once
        await pilot.press("down", "down")
        chosen = view._rows[view.matrix.cursor_row].name
        await pilot.press("p")
        assert isinstance(app.screen, HostsDialog) and shows(app, f"Pull {chosen}")
        hosts = app.screen.query_one("SelectionList")

        def marks() -> list[tuple[str, bool]]:
            options = [hosts.get_option_at_index(i) for i in range(hosts.option_count)]
            return [(str(o.prompt)[0], o.value in hosts.selected) for o in options]

        assert marks() and all((mark == "✓") == ticked for mark, ticked in marks())
        before = marks()
        await pilot.press("space")  # the first one's tick changes, and its mark follows
        assert marks()[0][1] != before[0][1]
        assert all((mark == "✓") == ticked for mark, ticked in marks())


async def test_the_matrix_filter_says_what_it_cannot_read_and_esc_clears_it(
        tmp_path: Path) -> None:
    app = demo(tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        await fleet_ready(pilot)
        await pilot.press("slash")
        await type_text(pilot, "size<<5 llama")
        await wait_until(pilot, lambda: shows(app, "size<<5: '<5' is not a size"))
        assert [r.name for r in app.views["hosts"]._rows] == ["llama3.2:latest", "llava:7b",
                                                              "mistral:latest"]
        await pilot.press("escape")
        assert not shows(app, "is not a size") and app.focused is app.views["hosts"].matrix
