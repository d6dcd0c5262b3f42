"""One small exception hierarchy. Every message is one line a person can act on, and
printable: the server's own words in it (an error, a name) are escaped when the exception
is made, so no one who shows one can forget it."""

from tui.core.format import printable


class OllamaError(Exception):
    """Anything that went wrong talking to Ollama."""

    def __init__(self, message: str = "") -> None:
        super().__init__(printable(message))

    @property
    def message(self) -> str:
        return str(self)


class UnreachableError(OllamaError):
    """No connection could be made (refused, DNS failure, connect timeout)."""


class OllamaTimeoutError(OllamaError):
    """Connected, but Ollama did not answer in time."""


class ConnectionLostError(OllamaError):
    """The connection dropped in the middle of an answer (e.g. mid-pull)."""


class InvalidNameError(OllamaError, ValueError):
    """A model name that Ollama's grammar refuses; raised before any request."""


class ModelNotFoundError(OllamaError):
    """The model is not installed (or, for a pull, not in the registry)."""

    def __init__(self, message: str, model: str = "") -> None:
        super().__init__(message)
        self.model = model


class ServerError(OllamaError):
    """Ollama answered with an error status; `error` is Ollama's own text."""

    def __init__(self, status: int, error: str) -> None:
        super().__init__(f"Ollama answered HTTP {status}: {error}")
        self.status = status
        self.error = printable(error)


class LoadRefusedError(ServerError):
    """Ollama will not load this model here (a cloud model, an embedding model)."""

    def __init__(self, status: int, message: str) -> None:
        OllamaError.__init__(self, message)
        self.status = status
        self.error = printable(message)


class PullFailedError(ServerError):
    """The server reported an error in the middle of a pull (disk full, network, …)."""

    def __init__(self, model: str, error: str) -> None:
        OllamaError.__init__(self, f"the pull of {model} failed: {error}")
        self.status = 200
        self.error = printable(error)
        self.model = model


class PushRefusedError(ServerError):
    """The registry refused a push (not signed in, not the namespace's owner); `hint` says
    what to do."""

    def __init__(self, model: str, error: str, hint: str) -> None:
        OllamaError.__init__(self, f"the push of {model} failed: {error}"
                             + (f" ({hint})" if hint else ""))
        self.status = 200
        self.error = printable(error)
        self.model = model
        self.hint = hint


class ProtocolError(OllamaError):
    """The answer was not what Ollama sends: not JSON, HTML from a proxy, cut short."""


class UnusableSettingError(OllamaError):
    """The settings ask for what HTTP cannot send (a token that is not ASCII): nothing is
    sent, and each request says why."""


class AuthError(LoadRefusedError):
    """The server (or a proxy in front of it) wants credentials we did not send."""
