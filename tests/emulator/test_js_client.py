"""The official JavaScript client (`ollama` on npm) runs unchanged against the emulator under
node. Skipped, saying why, where node or the package is missing; the package is installed
once into .cache/node (CI's .ci/run does it; npm and the registry must be reachable)."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tui.emulator.server import Emulator

CACHE = Path(__file__).resolve().parents[2] / ".cache" / "node"
PACKAGE = "ollama@0.6"

SCRIPT = r"""
const { Ollama } = require('ollama')
const ollama = new Ollama({ host: process.argv[2] })
;(async () => {
  const out = {}
  out.list = (await ollama.list()).models.map(m => m.name)
  out.family = (await ollama.show({ model: 'llava:7b' })).details.family
  const chat = await ollama.chat({ model: 'qwen3:8b', think: true,
                                   messages: [{ role: 'user', content: 'hi' }] })
  out.chat = chat.message.content
  out.thinking = chat.message.thinking
  let streamed = ''
  for await (const part of await ollama.chat({ model: 'mistral', stream: true,
                                              messages: [{ role: 'user', content: 'hi' }] })) {
    streamed += part.message.content
  }
  out.streamed = streamed
  out.generate = (await ollama.generate({ model: 'mistral', prompt: 'hi' })).response
  out.embed = (await ollama.embed({ model: 'nomic-embed-text', input: 'a' })).embeddings[0].length
  out.embeddings = (await ollama.embeddings({ model: 'nomic-embed-text', prompt: 'a' }))
    .embedding.length
  out.create = (await ollama.create({ model: 'demo/js', from: 'llama3.2',
                                      system: 'js' })).status
  out.push = (await ollama.push({ model: 'demo/js' })).status
  out.pull = (await ollama.pull({ model: 'smollm2:135m' })).status
  await ollama.copy({ source: 'demo/js', destination: 'js-copy' })
  await ollama.delete({ model: 'js-copy' })
  out.ps = (await ollama.ps()).models.length
  out.version = (await ollama.version()).version
  try { await ollama.show({ model: 'nosuch' }) } catch (e) { out.error = e.message }
  console.log(JSON.stringify(out))
})().catch(e => { console.error(String(e)); process.exit(1) })
"""


def _package_dir() -> Path:
    """node_modules holding the `ollama` package: QGOOSE_NODE_MODULES, else .cache/node (npm
    installs it there on first use); the test skips, saying why, when neither works."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    given = os.environ.get("QGOOSE_NODE_MODULES")
    modules = Path(given) if given else CACHE / "node_modules"
    if (modules / "ollama" / "package.json").exists():
        return modules
    npm = shutil.which("npm")
    if given or npm is None:
        pytest.skip(f"the ollama npm package is not in {modules} and npm is not installed")
    try:
        subprocess.run([npm, "install", "--prefix", str(CACHE), "--no-audit", "--no-fund",
                        "--silent", PACKAGE], check=True, capture_output=True, timeout=120)
    except (subprocess.SubprocessError, OSError) as exc:
        pytest.skip(f"npm could not install {PACKAGE} (no registry?): {exc}")
    return modules


def test_the_official_javascript_client(threaded_emulator: Emulator, tmp_path: Path) -> None:
    modules = _package_dir()
    script = tmp_path / "client.cjs"
    script.write_text(SCRIPT)
    result = subprocess.run(["node", str(script), threaded_emulator.url], capture_output=True,
                            text=True, timeout=60, env={**os.environ, "NODE_PATH": str(modules)})
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert "llama3.2:latest" in out["list"] and out["family"] == "llama"
    assert out["chat"].startswith("This is") and out["thinking"]
    assert out["streamed"].startswith("This is") and out["generate"].startswith("This is")
    assert (out["embed"], out["embeddings"]) == (768, 768)
    assert out["create"] == out["push"] == out["pull"] == "success"
    assert out["ps"] >= 1 and out["version"] == "0.12.10"
    assert "not found" in out["error"]
