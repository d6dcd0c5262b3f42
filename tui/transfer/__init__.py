"""Copy a model to another Ollama host without the internet.

Ollama's API cannot send a blob out, so the source is read as files: an Ollama models
directory (tui/transfer/store.py: the one of the machine the app runs on, or a host's
`models_dir`, e.g. an sshfs mount) or an exported bundle (tui/transfer/bundle.py). Every
source is untrusted (tui/transfer/source.py): no byte is sent or written before it has
matched its digest. Each blob the target lacks is uploaded (`HEAD`/`POST /api/blobs`), then
`/api/create` rebuilds the model there from the weights, template, system prompt, parameters
and license (tui/transfer/send.py). Free of Textual: the CLI and the TUI share it.
"""

from tui.transfer.bundle import BUNDLE_MANIFEST, Bundle, export_bundle
from tui.transfer.send import TransferProgress, send_model
from tui.transfer.source import BlobSource, LocalModel, TargetExists, TransferError
from tui.transfer.store import ModelsDir

__all__ = ["BUNDLE_MANIFEST", "BlobSource", "Bundle", "LocalModel", "ModelsDir",
           "TargetExists", "TransferError", "TransferProgress", "export_bundle", "send_model"]
