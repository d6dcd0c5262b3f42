// The model manager's page: the seed's ModelManager, in plain JavaScript, no build step.
// Every text that comes from the server is set with textContent: shown, never parsed as HTML.
"use strict";

const API = "/api/models/";
const TOKEN_KEY = "qgoose-tui-token"; // sessionStorage: kept for this tab only
const PULL_POLL_MS = 500;
const CREATE_POLL_MS = 300;
const REFRESH_MS = 10000;

const $ = (id) => document.getElementById(id);
let pullTimer = null;
let running = new Set(); // pulls running at the last poll
let createTimer = null;
let creating = new Set(); // creates running at the last poll
let listedNames = []; // the names of the models listed last
let newModel = ""; // a variant just made: its card is marked when the list shows it

class NeedsToken extends Error {}

// -- talking to the server ---------------------------------------------------------------
async function call(path, options = {}) {
  const headers = { ...(options.headers || {}) };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = "Bearer " + token;
  let response;
  try {
    response = await fetch(API + path, { ...options, headers });
  } catch (err) {
    throw new Error("the server is not answering (is qgoose-tui serve still running?)");
  }
  let data;
  try {
    data = await response.json();
  } catch (err) {
    data = { status: "error", message: "HTTP " + response.status };
  }
  if (response.status === 401) {
    askForToken(data.message);
    throw new NeedsToken(data.message);
  }
  return { ok: response.ok, code: response.status, data };
}

function send(path, method, body) {
  return call(path, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const query = (name) => "?model=" + encodeURIComponent(name);

// -- what the page says ------------------------------------------------------------------
function say(text, isError = false) {
  const box = $("message");
  box.textContent = text;
  box.classList.toggle("error", isError);
  box.hidden = !text;
}

function failed(err) {
  if (!(err instanceof NeedsToken)) say(err.message || String(err), true);
}

function humanSize(n) {
  if (!Number.isFinite(n) || n < 1000) return Math.max(0, Math.trunc(n || 0)) + " B";
  const units = ["kB", "MB", "GB", "TB", "PB"];
  let value = n;
  for (const unit of units) {
    value /= 1000;
    if (value < 1000 || unit === "PB") return (value < 100 ? value.toFixed(1) : value.toFixed(0)) + " " + unit;
  }
  return n + " B";
}

function duration(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "";
  const s = Math.round(seconds);
  if (s < 60) return s + " s";
  if (s < 3600) return Math.floor(s / 60) + " min " + String(s % 60).padStart(2, "0") + " s";
  return Math.floor(s / 3600) + " h " + String(Math.floor((s % 3600) / 60)).padStart(2, "0") + " min";
}

function when(text) {
  const date = new Date(text);
  if (!text || Number.isNaN(date.getTime()) || date.getFullYear() < 2) return "";
  return date.toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}

// -- the token (only when the server asks for one) ------------------------------------------
function askForToken(why) {
  sessionStorage.removeItem(TOKEN_KEY);
  $("token-why").textContent = (why || "This server needs a token.") + " Token:";
  $("token-form").hidden = false;
  $("token-input").focus();
}

$("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const token = $("token-input").value.trim();
  if (!token) return;
  sessionStorage.setItem(TOKEN_KEY, token);
  $("token-input").value = "";
  $("token-form").hidden = true;
  refreshAll();
});

// -- the list --------------------------------------------------------------------------
async function loadModels() {
  const { data } = await call("");
  const currentModel = data.current_model || "";
  const models = data.models || [];
  const installed = data.status !== "success" || models.some((m) => m.is_current);
  $("current-model").textContent = (currentModel || "none") + (installed ? "" : " (not installed)");
  setOnline(data.status === "success", data.message, data.ollama_available === true);
  listedNames = models.map((m) => m.name);
  $("models").replaceChildren(...models.map(card));
  const made = newModel && document.querySelector('#models li[data-name="' + CSS.escape(newModel) + '"]');
  if (made) {
    made.classList.add("new");
    made.scrollIntoView({ block: "nearest" });
  }
  $("count").textContent = data.status === "success" ? "(" + data.count + ")" : "";
  $("empty").hidden = !(data.status === "success" && data.count === 0);
}

function card(model) {
  const item = $("model-card").content.firstElementChild.cloneNode(true);
  const details = model.details || {};
  item.dataset.name = model.name;
  item.querySelector(".name").textContent = model.name;
  const cloud = Boolean(model.remote_host || model.remote_model || model.name.endsWith(":cloud"));
  item.querySelector(".size").textContent = cloud ? "cloud (runs on ollama.com)" : humanSize(model.size);
  item.querySelector(".params").textContent = details.parameter_size || "—";
  item.querySelector(".quant").textContent = details.quantization_level || "—";
  item.querySelector(".family").textContent = details.family || "—";
  item.querySelector(".modified").textContent = when(model.modified_at) || "—";
  if (model.is_current) {
    item.classList.add("current");
    item.querySelector(".mark").hidden = false;
  }
  const use = item.querySelector(".use");
  use.disabled = model.is_current;
  use.addEventListener("click", () => setCurrent(model.name).catch(failed));
  item.querySelector(".info").addEventListener("click", () => showInfo(model.name).catch(failed));
  item.querySelector(".delete").addEventListener("click", () => askDelete(model.name).catch(failed));
  const variant = item.querySelector(".variant");
  variant.disabled = cloud; // variants are made from local weights
  variant.addEventListener("click", () => openVariant(model.name).catch(failed));
  return item;
}

function setOnline(online, why, answering = false) {
  document.body.dataset.ollama = online ? "online" : "offline";
  if (!online) {
    $("ollama-status").textContent = (answering ? "Ollama answers with errors: " : "Ollama is offline: ") +
      (why || "not answering");
  }
  for (const button of document.querySelectorAll("#pull-section button")) button.disabled = !online;
}

async function loadStatus() {
  const { data } = await call("status/");
  if (data.ollama_available && data.status === "success") {
    const loaded = data.running.length ? " · loaded: " + data.running.map((r) => r.name).join(", ") : "";
    $("ollama-status").textContent = "Ollama " + data.version + " online at " + data.host +
      " · " + data.count + " models, " + humanSize(data.disk_used) + loaded;
  } else {
    setOnline(false, data.message, data.ollama_available === true);
  }
}

// -- the actions ---------------------------------------------------------------------------
async function setCurrent(name) {
  const { ok, data } = await send("set/", "POST", { model: name });
  say(data.message, !ok);
  if (ok) await loadModels();
}

async function showInfo(name) {
  const { ok, data } = await call("info/" + query(name));
  if (!ok) return say(data.message, true);
  const info = data.info;
  const details = info.details || {};
  $("info-name").textContent = data.model;
  const facts = [
    ["Family", details.family],
    ["Parameters", details.parameter_size],
    ["Quantization", details.quantization_level],
    ["Format", details.format],
    ["Context", maxContext(info) ? maxContext(info).toLocaleString() + " tokens" : ""],
    ["Can", (info.capabilities || []).join(", ")],
    ["Modified", when(info.modified_at)],
  ];
  $("info-facts").replaceChildren(...facts.filter(([, value]) => value).flatMap(([label, value]) => {
    const dt = document.createElement("dt");
    const dd = document.createElement("dd");
    dt.textContent = label;
    dd.textContent = value;
    return [dt, dd];
  }));
  $("info-template").textContent = info.template || "(none)";
  $("info-license").textContent = info.license || "(none)";
  $("info").hidden = false;
  $("info").scrollIntoView({ block: "nearest" });
}

$("info-close").addEventListener("click", () => { $("info").hidden = true; });

async function askDelete(name) {
  const { ok, data } = await call("space/" + query(name));
  if (!ok) return say(data.message, true);
  $("confirm-title").textContent = "Delete " + data.model + "?";
  $("confirm-space").textContent = data.message + ".";
  const current = $("confirm-current");
  current.hidden = !data.is_current;
  current.textContent = data.is_current ? "It is the current model: programs that use it will not find it." : "";
  const dialog = $("confirm-delete");
  dialog.returnValue = "";
  dialog.onclose = () => {
    if (dialog.returnValue === "delete") deleteModel(data.model).catch(failed);
  };
  dialog.showModal();
  $("confirm-no").focus();
}

async function deleteModel(name) {
  const { ok, data } = await send("delete/" + query(name), "DELETE");
  if (!ok) return say(data.message, true);
  const freed = (data.freed_is_approximate && data.freed_bytes ? "about " : "") + humanSize(data.freed_bytes);
  say(data.message + ": " + freed + " freed." + (data.note ? " " + data.note + "." : ""));
  if ($("info-name").textContent === name) $("info").hidden = true;
  await loadModels();
}

async function pull(name) {
  const { ok, data } = await send("pull/", "POST", { model: name });
  say(data.message, !ok);
  if (ok) pollPulls();
}

$("pull-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const name = $("pull-name").value.trim();
  if (name) pull(name).then(() => { $("pull-name").value = ""; }).catch(failed);
});

async function loadPopular() {
  const { ok, data } = await call("popular/");
  if (!ok) return;
  $("popular").replaceChildren(...data.models.map((model) => {
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.name = model.name;
    button.textContent = model.name + (model.size ? " · " + humanSize(model.size) : "");
    if (model.about) button.title = model.about;
    button.disabled = document.body.dataset.ollama === "offline";
    button.addEventListener("click", () => pull(model.name).catch(failed));
    return button;
  }));
}

// -- pulls: polled while any runs ---------------------------------------------------------
async function pollPulls() {
  clearTimeout(pullTimer);
  let data;
  try {
    ({ data } = await call("pulls/"));
  } catch (err) {
    failed(err);
    return;
  }
  $("pulls").replaceChildren(...data.pulls.map(pullItem));
  const now = new Set(data.pulls.filter((p) => p.state === "running").map((p) => p.model));
  const ended = data.pulls.filter((p) => running.has(p.model) && !now.has(p.model));
  running = now;
  if (ended.length) {
    for (const p of ended) {
      if (p.state === "done") say("Pulled " + p.model + ".");
      else if (p.state === "failed") say("The pull of " + p.model + " failed: " + p.error, true);
    }
    loadModels().catch(failed);
  }
  if (now.size) pullTimer = setTimeout(pollPulls, PULL_POLL_MS);
}

function pullItem(p) {
  const item = $("pull-item").content.firstElementChild.cloneNode(true);
  item.dataset.model = p.model;
  item.dataset.state = p.state;
  item.classList.add(p.state);
  item.querySelector(".pull-name").textContent = p.model;
  item.querySelector(".pull-state").textContent = p.state === "running" ? p.phase : p.state;
  item.querySelector("progress").value = p.fraction;
  let figures;
  if (p.state === "failed") figures = p.error;
  else if (p.state === "done") figures = "Done" + (p.total ? ": " + humanSize(p.total) : "");
  else if (p.total) {
    figures = Math.floor(p.fraction * 100) + "% · " + humanSize(p.completed) + " of " + humanSize(p.total);
    if (p.speed) figures += " · " + humanSize(p.speed) + "/s";
    if (p.eta !== null) figures += " · " + duration(p.eta) + " left";
  } else figures = p.status_text || p.phase;
  item.querySelector(".pull-figures").textContent = figures;
  return item;
}

// -- variants: a model made from another with a few changes -------------------------------
async function openVariant(base) {
  const form = $("variant-form");
  form.reset();
  form.dataset.base = base;
  $("variant-base").textContent = base;
  $("variant-replace-box").hidden = true;
  for (const id of ["variant-ctx", "variant-temperature", "variant-system"]) $(id).placeholder = "";
  $("variant").hidden = false;
  $("variant-name").focus();
  // The base's own values, as placeholders: what an empty field keeps.
  const { ok, data } = await call("info/" + query(base));
  if (!ok || form.dataset.base !== base) return;
  const info = data.info;
  const own = parameterLines(info.parameters);
  const maximum = maxContext(info);
  $("variant-ctx").placeholder = (own.num_ctx ? "base: " + own.num_ctx : "Ollama's default") +
    (maximum ? " (the model takes up to " + maximum + ")" : "");
  $("variant-temperature").placeholder = own.temperature ? "base: " + own.temperature : "Ollama's default";
  $("variant-system").placeholder = info.system || "none";
}

// The longest context the model was trained for: Ollama says it in model_info, by architecture.
function maxContext(info) {
  const facts = info.model_info || {};
  const length = facts[facts["general.architecture"] + ".context_length"];
  return Number.isInteger(length) ? length : (info.details || {}).context_length;
}

function parameterLines(text) {
  const found = {};
  for (const line of (text || "").split("\n")) {
    const [name, ...rest] = line.trim().split(/\s+/);
    if (name && !(name in found)) found[name] = rest.join(" ");
  }
  return found;
}

// A typed number as a number; anything else as typed, for the server to say what is wrong.
function typed(text) {
  const value = Number(text);
  return text !== "" && Number.isFinite(value) ? value : text;
}

async function createVariant() {
  const form = $("variant-form");
  const name = $("variant-name").value.trim();
  const parameters = {};
  const ctx = $("variant-ctx").value.trim();
  const temperature = $("variant-temperature").value.trim();
  if (ctx) parameters.num_ctx = typed(ctx);
  if (temperature) parameters.temperature = typed(temperature);
  const body = { name, from: form.dataset.base, parameters };
  const system = $("variant-system").value;
  if (system.trim()) body.system = system;
  if (!$("variant-replace-box").hidden && $("variant-replace").checked) body.replace = true;
  const { ok, code, data } = await send("create/", "POST", body);
  // A taken name: offer to replace it (never replaced without being asked).
  const taken = code === 409 && listedNames.includes(data.model);
  say(taken ? `${data.model} already exists: tick "Replace the model of that name" to replace it`
    : data.message, !ok);
  $("variant-replace-box").hidden = !taken;
  if (!ok) return;
  $("variant").hidden = true;
  creating.add(data.model); // followed even if it ends before the first poll sees it run
  pollCreates();
}

$("variant-form").addEventListener("submit", (event) => {
  event.preventDefault();
  createVariant().catch(failed);
});
$("variant-close").addEventListener("click", () => { $("variant").hidden = true; });

async function pollCreates() {
  clearTimeout(createTimer);
  let data;
  try {
    ({ data } = await call("creates/"));
  } catch (err) {
    failed(err);
    return;
  }
  $("creates").replaceChildren(...data.creates.map(createItem));
  $("creates-section").hidden = data.creates.length === 0;
  const now = new Set(data.creates.filter((c) => c.state === "running").map((c) => c.model));
  const ended = data.creates.filter((c) => creating.has(c.model) && !now.has(c.model));
  creating = now;
  if (ended.length) {
    for (const c of ended) {
      say(c.message + (c.state === "done" ? "." : ""), c.state !== "done");
      if (c.state === "done") newModel = c.model;
    }
    loadModels().catch(failed);
  }
  if (now.size) createTimer = setTimeout(pollCreates, CREATE_POLL_MS);
}

function createItem(c) {
  const item = $("create-item").content.firstElementChild.cloneNode(true);
  item.dataset.model = c.model;
  item.dataset.state = c.state;
  item.classList.add(c.state);
  item.querySelector(".create-name").textContent = c.model + " from " + c.base;
  item.querySelector(".pull-state").textContent = c.state;
  const bar = item.querySelector("progress");
  bar.hidden = !(c.state === "running" && c.total);
  bar.value = c.fraction;
  let figures = c.state === "running" ? c.status_text || "starting" : c.message;
  if (c.state === "running" && c.total) {
    figures += " · " + Math.floor(c.fraction * 100) + "% of " + humanSize(c.total);
  }
  item.querySelector(".pull-figures").textContent = figures;
  item.querySelector(".create-statuses").textContent = c.statuses.join("\n");
  return item;
}

// -- start ---------------------------------------------------------------------------------
async function refreshAll() {
  try {
    await loadModels();
    await Promise.all([loadStatus(), loadPopular(), pollPulls(), pollCreates()]);
  } catch (err) {
    failed(err);
  }
}

$("refresh").addEventListener("click", () => { say(""); refreshAll(); });
// What others did meanwhile (a teammate's pull, a model set in the TUI) shows within REFRESH_MS.
setInterval(() => {
  if (!$("token-form").hidden) return;
  loadModels().then(loadStatus).then(() => Promise.all([
    running.size ? null : pollPulls(),
    creating.size ? null : pollCreates(), // a teammate's variant, made elsewhere
  ])).catch(failed);
}, REFRESH_MS);
refreshAll();
