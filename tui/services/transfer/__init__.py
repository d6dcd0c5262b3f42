"""Copy a model to another Ollama host without the internet.

Ollama's API cannot send a blob out, so the source is read as files: an Ollama models
directory (tui/services/transfer/store.py: the one of the machine the app runs on, or a host's
`models_dir`, e.g. an sshfs mount) or an exported bundle (tui/services/transfer/bundle.py). Every
source is untrusted (tui/services/transfer/source.py): no byte is sent or written before it has
matched its digest. Each blob the target lacks is uploaded (`HEAD`/`POST /api/blobs`), then
`/api/create` rebuilds the model there from the weights, template, system prompt, parameters
and license (tui/services/transfer/send.py). Free of Textual: the CLI and the TUI share it.
"""

from tui.services.transfer.bundle import BUNDLE_MANIFEST, Bundle, export_bundle
from tui.services.transfer.send import TransferProgress, send_model
from tui.services.transfer.source import BlobSource, LocalModel, TargetExists, TransferError
from tui.services.transfer.store import ModelsDir

__all__ = ["BUNDLE_MANIFEST", "BlobSource", "Bundle", "LocalModel", "ModelsDir",
           "TargetExists", "TransferError", "TransferProgress", "export_bundle", "send_model"]
