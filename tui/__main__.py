"""`python -m tui` runs the same entry point as the `qgoose-tui` script."""

from tui.cli.entry import run

raise SystemExit(run())
