"""The command line: `qgoose-tui` starts the TUI; its subcommands do the same work for scripts.

parser.py reads the arguments and runs a command; commands.py holds one function a command.
"""

from tui.cli.parser import main

__all__ = ["main"]
