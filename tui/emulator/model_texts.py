"""The emulator's model texts: prompt templates in Ollama's Go template language, and
license texts written for the demo (never a model's real license)."""

from __future__ import annotations

CHATML_TEMPLATE = (
    "{{- if .System }}<|im_start|>system\n{{ .System }}<|im_end|>\n{{ end }}"
    "{{- range .Messages }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n{{ end }}"
    "<|im_start|>assistant\n"
)
LLAMA3_TEMPLATE = (
    "{{ if .System }}<|start_header_id|>system<|end_header_id|>\n\n{{ .System }}<|eot_id|>"
    "{{ end }}{{ if .Prompt }}<|start_header_id|>user<|end_header_id|>\n\n{{ .Prompt }}"
    "<|eot_id|>{{ end }}<|start_header_id|>assistant<|end_header_id|>\n\n{{ .Response }}"
    "<|eot_id|>"
)
GEMMA_TEMPLATE = (
    "{{- range .Messages }}<start_of_turn>{{ if eq .Role \"user\" }}user{{ else }}model"
    "{{ end }}\n{{ .Content }}<end_of_turn>\n{{ end }}<start_of_turn>model\n"
)
MISTRAL_TEMPLATE = "[INST] {{ if .System }}{{ .System }} {{ end }}{{ .Prompt }} [/INST]"


def _license(title: str, holder: str) -> str:
    return (
        f"{title}\n\n"
        f"Copyright (c) {holder}. This is demonstration text written for the qgoose-tui "
        "emulator; it is not the model's real license. Read the real license on the "
        "model's page before you use the model.\n\n"
        "1. Use. You may use, copy and modify the model subject to these terms.\n"
        "2. Redistribution. Keep this notice with any copy.\n"
        "3. No warranty. The model is provided \"as is\", without warranty of any kind.\n"
    )


LLAMA_LICENSE = _license("LLAMA 3.2 COMMUNITY LICENSE AGREEMENT (demo text)", "Meta Platforms")
APACHE = _license("Apache License 2.0 (demo text)", "the model's authors")
MIT = _license("MIT License (demo text)", "the model's authors")
GEMMA = _license("Gemma Terms of Use (demo text)", "Google LLC")
LLAMA_PARAMS = 'stop "<|start_header_id|>"\nstop "<|end_header_id|>"\nstop "<|eot_id|>"'
CHATML_PARAMS = 'stop "<|im_start|>"\nstop "<|im_end|>"'
