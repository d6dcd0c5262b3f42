"""The Models view's keys for variants (the actions are in variant_actions.py, loaded on
first use: these are needed for the first frame, the actions are not)."""

from textual.binding import Binding

VARIANT_BINDINGS = [
    Binding("v", "variant('create')", "Variant", show=False,
            tooltip="make a variant of the highlighted model: context, system prompt, "
            "parameters, quantized weights (no Modelfile needed)"),
    Binding("O", "variant('push')", "Push", show=False,
            tooltip="push the highlighted model to its registry, its progress with the "
                    "pulls (O again cancels)"),
    Binding("R", "variant('rebuild')", "Rebuild", show=False,
            tooltip="make the highlighted variant again from its updated base"),
    Binding("M", "variant('modelfile')", "Save Modelfile", show=False,
            tooltip="save the highlighted model's Modelfile to NAME.Modelfile here"),
]
