"""qgoose-tui: a terminal app for managing the models of an Ollama server."""

__version__ = "0.1.0"
