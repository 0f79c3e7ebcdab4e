// stsim dashboard: reads and steers the simulator through /_sim (the
// control API) and browses data through the ServiceTitan API itself.
// Every request is same-origin and sends JSON as application/json.
"use strict";

const $ = (sel, root = document) => root.querySelector(sel);
const state = { tenant: 0, apps: [], frozen: false, demo: null };

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null) e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c ?? "")));
  return e;
}

// showError shows what went wrong; a later success of the same kind of
// work (the live refresh, or the user's own actions) clears it.
let errorSource = "";
function showError(msg, source) {
  if (!msg && source !== errorSource) return;
  errorSource = msg ? source : "";
  const p = $("#error");
  p.textContent = msg;
  p.hidden = !msg;
}

// sim calls the control API. A 401 asks for the control token.
async function sim(method, path, body) {
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  const token = sessionStorage.getItem("stsim-control-token");
  if (token) headers.Authorization = "Bearer " + token;
  const resp = await fetch(path, {
    method, headers, credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await resp.text();
  const data = text ? JSON.parse(text) : null;
  if (resp.status === 401 || resp.status === 403) {
    $("#control-token-box").hidden = false;
  }
  if (!resp.ok) {
    throw new Error(`${method} ${path}: ${resp.status} ${data && data.title ? data.title : text}`);
  }
  return data;
}

async function guarded(fn, source = "action") {
  try {
    await fn();
    showError("", source);
  } catch (e) {
    showError(e.message, source);
  }
}

// ---- clock ----
async function loadClock() {
  const c = await sim("GET", "/_sim/clock" + (state.tenant ? "?tenant=" + state.tenant : ""));
  state.frozen = c.frozen;
  $("#clock-now").textContent = new Date(c.now).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
  $("#clock-state").textContent = c.frozen ? "frozen" : "running";
  $("#clock-toggle").textContent = c.frozen ? "Resume" : "Freeze";
}

// ---- tenants and connections ----
async function loadTenants() {
  const { tenants } = await sim("GET", "/_sim/tenants");
  const sel = $("#tenant");
  sel.replaceChildren(...tenants.map(t => el("option", { value: t.tenantId }, `${t.tenantId} ${t.name || ""} (${t.environment})`)));
  if (!state.tenant && tenants.length) state.tenant = tenants[0].tenantId;
  sel.value = state.tenant;
}

async function loadApps() {
  const { apps } = await sim("GET", "/_sim/apps");
  state.apps = apps;
  $("#connect-app").replaceChildren(...apps.map(a => el("option", { value: a.id }, a.name)));
}

function appName(id) {
  const a = state.apps.find(a => a.id === id);
  return a ? a.name : id;
}

async function loadConnections() {
  const { connections } = await sim("GET", `/_sim/tenants/${state.tenant}/connections`);
  const rows = connections.map(c => el("tr", { "data-client": c.clientId },
    el("td", {}, appName(c.appId)),
    el("td", {}, el("code", {}, c.clientId)),
    el("td", {}, c.environment),
    el("td", {}, el("span", { class: "badge " + (c.enabled ? "ok" : "bad") }, c.enabled ? "connected" : "disabled")),
    el("td", {}, ...c.secrets.map(s => el("span", { class: "slot" }, `#${s.slot} ${s.set ? "set" : "empty"} `,
      el("button", { class: "generate", "data-slot": s.slot, onclick: () => guarded(() => generateSecret(c, s.slot)) }, "Generate")))),
    el("td", {}, c.enabled
      ? el("button", { class: "disable", onclick: () => guarded(() => setEnabled(c.clientId, false)) }, "Disable")
      : el("button", { class: "restore", onclick: () => guarded(() => setEnabled(c.clientId, true)) }, "Restore")),
  ));
  $("#connections tbody").replaceChildren(...rows);
}

async function generateSecret(conn, slot) {
  const r = await sim("POST", `/_sim/connections/${encodeURIComponent(conn.clientId)}/secrets/${slot}`);
  $("#secret-client").textContent = r.clientId;
  $("#secret-value").textContent = r.clientSecret;
  $("#secret-once").hidden = false;
  // The data browser can use it right away.
  const app = state.apps.find(a => a.id === conn.appId);
  $("#d-client").value = r.clientId;
  $("#d-secret").value = r.clientSecret;
  if (app) $("#d-appkey").value = app.appKey;
  await loadConnections();
}

async function setEnabled(clientId, enabled) {
  await sim("POST", `/_sim/connections/${encodeURIComponent(clientId)}/${enabled ? "restore" : "disable"}`);
  await loadConnections();
}

async function connectApp() {
  await sim("POST", `/_sim/tenants/${state.tenant}/connections`, { appId: $("#connect-app").value });
  await loadConnections();
}

// ---- scenarios ----
async function loadScenarios() {
  const { scenarios } = await sim("GET", "/_sim/scenarios");
  const items = scenarios.map(s => {
    const here = s.active.some(a => !a.clientId && (a.tenant === 0 || a.tenant === state.tenant));
    const box = el("input", {
      type: "checkbox", "data-scenario": s.name,
      onchange: ev => guarded(() => toggleScenario(s.name, ev.target.checked)),
    });
    box.checked = here;
    return el("li", {}, el("label", {}, box, " ", el("strong", {}, s.name), " ", el("span", { class: "sub" }, s.description)));
  });
  $("#scenarios ul").replaceChildren(...items);
}

async function toggleScenario(name, on) {
  await sim("POST", `/_sim/scenarios/${encodeURIComponent(name)}/${on ? "activate" : "deactivate"}`, { tenant: state.tenant });
  await loadScenarios();
}

// ---- rate limits ----
async function loadRateLimits() {
  const { usage } = await sim("GET", "/_sim/ratelimit");
  $("#ratelimit tbody").replaceChildren(...usage.map(u => {
    const pct = u.limit > 0 ? Math.min(100, Math.round(100 * u.inWindow / u.limit)) : 0;
    return el("tr", {},
      el("td", {}, u.appName || u.appId || "unknown app"),
      el("td", {}, u.tenant),
      el("td", {}, u.limit > 0 ? `${u.inWindow} / ${u.limit}` : `${u.inWindow} (no limit)`),
      el("td", {}, el("span", { class: "bar" }, el("span", { style: `width:${pct}%` }))));
  }));
}

// ---- journal and lint ----
function journalQuery() {
  const q = new URLSearchParams({ limit: "100" });
  if ($("#f-tenant-only").checked) q.set("tenant", state.tenant);
  for (const [id, key] of [["#f-operation", "operation"], ["#f-client", "clientId"], ["#f-status", "status"]]) {
    const v = $(id).value.trim();
    if (v) q.set(key, v);
  }
  return q;
}

async function loadJournal() {
  const q = journalQuery();
  const { requests } = await sim("GET", "/_sim/requests?" + q);
  requests.sort((a, b) => b.seq - a.seq);
  $("#journal tbody").replaceChildren(...requests.map(r => el("tr", { class: r.status >= 400 ? "fail" : "" },
    el("td", {}, r.seq),
    el("td", {}, new Date(r.time).toISOString().slice(11, 19)),
    el("td", {}, r.method),
    el("td", { class: "path" }, r.path + (r.query ? "?" + r.query : "")),
    el("td", {}, r.operation),
    el("td", {}, r.status),
    el("td", {}, r.clientId),
    el("td", { class: "sub" }, [r.scenarioEffect, ...(r.validationWarnings || [])].filter(Boolean).join("; ")))));
  const lq = new URLSearchParams({ tenant: state.tenant });
  if (q.get("clientId")) lq.set("clientId", q.get("clientId"));
  const { findings } = await sim("GET", "/_sim/lint?" + lq);
  $("#lint").replaceChildren(...(findings.length
    ? findings.map(f => el("li", {}, el("strong", {}, `${f.rule} ×${f.count}`), " ", f.message))
    : [el("li", { class: "sub" }, "No client mistakes seen.")]));
}

// ---- data browser ----
async function loadData() {
  const status = $("#d-status");
  status.textContent = "Fetching a token…";
  const form = new URLSearchParams({ grant_type: "client_credentials", client_id: $("#d-client").value, client_secret: $("#d-secret").value });
  const tr = await fetch("/connect/token", { method: "POST", body: form, credentials: "same-origin" });
  const tok = await tr.json();
  if (!tr.ok) {
    status.textContent = "";
    throw new Error(`token: ${tok.error}: ${tok.error_description}`);
  }
  const path = "/" + $("#d-kind").value.replace("{t}", state.tenant) + "?pageSize=25&" + $("#d-query").value.trim();
  const resp = await fetch(path, { headers: { Authorization: "Bearer " + tok.access_token, "ST-App-Key": $("#d-appkey").value }, credentials: "same-origin" });
  const page = await resp.json();
  if (!resp.ok) {
    status.textContent = "";
    throw new Error(`${path}: ${resp.status} ${page.title}`);
  }
  status.textContent = `${path}: ${page.data.length} shown${page.hasMore ? ", more available" : ""}`;
  $("#data tbody").replaceChildren(...page.data.map(r => el("tr", {},
    el("td", {}, r.id),
    el("td", {}, r.name || r.summary || r.jobNumber || r.appointmentNumber || ""),
    el("td", {}, el("details", {}, el("summary", {}, "JSON"), el("pre", {}, JSON.stringify(r, null, 2)))))));
}

// ---- the office: the tenant's CSR at the Bookings inbox ----
async function decideBooking(action) {
  const id = Number($("#b-id").value);
  const body = action === "dismiss" ? { dismissingReasonId: Number($("#b-reason").value) } : {};
  const r = await sim("POST", `/_sim/tenants/${state.tenant}/bookings/${id}/${action}`, body);
  $("#b-result").textContent = action === "convert"
    ? `Booking ${r.booking.id} converted: job ${r.jobId} (appointment ${r.appointmentId}) for ${r.customerCreated ? "new" : "existing"} customer ${r.customerId} at ${r.locationCreated ? "new" : "existing"} location ${r.locationId}.`
    : `Booking ${r.booking.id} dismissed (call reason ${r.booking.dismissingReasonId}).`;
}

// ---- wiring ----
async function refreshTenantViews() {
  await Promise.all([loadClock(), loadConnections(), loadScenarios(), loadJournal()]);
}

async function start() {
  $("#control-token").value = sessionStorage.getItem("stsim-control-token") || "";
  $("#control-token").addEventListener("change", ev => {
    sessionStorage.setItem("stsim-control-token", ev.target.value);
    guarded(init);
  });
  $("#tenant").addEventListener("change", ev => { state.tenant = Number(ev.target.value); guarded(refreshTenantViews); });
  for (const b of document.querySelectorAll("[data-advance]")) {
    b.addEventListener("click", () => guarded(async () => {
      await sim("POST", "/_sim/clock/advance", { duration: b.dataset.advance });
      await loadClock();
    }));
  }
  $("#clock-toggle").addEventListener("click", () => guarded(async () => {
    await sim("POST", "/_sim/clock/" + (state.frozen ? "resume" : "freeze"), {});
    await loadClock();
  }));
  $("#connect").addEventListener("click", () => guarded(connectApp));
  $("#journal-clear").addEventListener("click", () => guarded(async () => { await sim("DELETE", "/_sim/requests"); await loadJournal(); }));
  for (const id of ["#f-operation", "#f-client", "#f-status", "#f-tenant-only"]) $(id).addEventListener("change", () => guarded(loadJournal));
  $("#d-load").addEventListener("click", () => guarded(loadData));
  $("#b-convert").addEventListener("click", () => guarded(() => decideBooking("convert")));
  $("#b-dismiss").addEventListener("click", () => guarded(() => decideBooking("dismiss")));
  await guarded(init);
  // Live views: the journal, rate limits and the clock.
  setInterval(() => guarded(() => Promise.all([loadJournal(), loadRateLimits(), loadClock()]), "refresh"), 1000);
}

async function init() {
  const demo = await fetch("demo.json", { credentials: "same-origin" }).then(r => r.json());
  if (!$("#d-client").value) {
    $("#d-client").value = demo.clientId;
    $("#d-secret").value = demo.clientSecret;
    $("#d-appkey").value = demo.appKey;
  }
  await loadTenants();
  await loadApps();
  await Promise.all([refreshTenantViews(), loadRateLimits()]);
}

start();
