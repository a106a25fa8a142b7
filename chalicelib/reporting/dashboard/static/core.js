// cxgov dashboard, shared by every page: where the API is, the caller's token, API calls, the
// sign-in controls (with signin.js), formatting, and USWDS tables that sort and filter. No third-party code but USWDS.
"use strict";
window.cx = (function () {
  const $ = (id) => document.getElementById(id);
  const store = window.sessionStorage;
  // Every URL is relative to where this script is served (…/dashboard/static/core.js), so the
  // dashboard works under a stage prefix (/v1) or a custom domain.
  const script = document.currentScript.src;
  const dashboardRoot = new URL("../", script);           // …/dashboard/
  const apiRoot = new URL("../../", script);              // …/

  let config = { demo_users: [], default_period: null, page: "overview", params: {} };
  try { config = Object.assign(config, JSON.parse($("dashboard-config").textContent)); } catch (e) { /* defaults */ }

  // The one place the token comes from: the demo-user picker or the pasted token (kept in this
  // tab's sessionStorage; pressing "Sign in" forgets it), else the sign-in's (signin.js,
  // window.cxgovAuth: the OpenID Connect session, also in this tab's sessionStorage only).
  const auth = window.cxgovAuth && window.cxgovAuth.configured() ? window.cxgovAuth : null;
  function token() {
    return store.getItem("cxgov.token") || (auth && auth.token()) || "";
  }

  function setToken(value) {
    if (value) store.setItem("cxgov.token", value); else store.removeItem("cxgov.token");
  }

  function period() {
    return store.getItem("cxgov.period") || config.default_period || currentFiscalYear();
  }

  function currentFiscalYear() {
    const now = new Date();
    return "FY" + (now.getUTCMonth() >= 9 ? now.getUTCFullYear() + 1 : now.getUTCFullYear());
  }

  function dashboardUrl(path) {
    return path ? new URL(path, dashboardRoot).href : new URL("../dashboard", dashboardRoot).href;
  }

  const links = {
    overview: () => dashboardUrl(""),
    department: (dept) => dashboardUrl("departments/" + encodeURIComponent(dept)),
    recommendation: (dept, id) => dashboardUrl("recommendations/" + encodeURIComponent(dept) + "/" + encodeURIComponent(id)),
  };

  class ApiError extends Error {
    constructor(message, status) { super(message); this.status = status; }
  }

  const requests = [];  // what this page asked the API, for the browser test and the bench
  async function api(path, params) {
    const url = new URL(path, apiRoot);
    for (const [k, v] of Object.entries(params || {})) {
      if (v !== undefined && v !== null && v !== "") url.searchParams.set(k, v);
    }
    requests.push(url.pathname + url.search);
    const response = await fetch(url, { headers: { Authorization: "Bearer " + token(), Accept: "application/json" } });
    const text = await response.text();
    if (!response.ok) {
      let message = response.status + " " + response.statusText;
      try { message = JSON.parse(text).error.message; } catch (e) { /* not JSON */ }
      throw new ApiError(message, response.status);
    }
    return JSON.parse(text);
  }

  async function download(path, fileName) {
    const response = await fetch(new URL(path, apiRoot), { headers: { Authorization: "Bearer " + token() } });
    if (!response.ok) {
      let message = response.status + " " + response.statusText;
      try { message = JSON.parse(await response.text()).error.message; } catch (e) { /* not JSON */ }
      throw new ApiError(message, response.status);
    }
    const blob = await response.blob();
    const a = Object.assign(document.createElement("a"), { href: URL.createObjectURL(blob), download: fileName });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  }

  async function allPages(path, params) {
    const items = [];
    let cursor = null;
    do {
      const page = await api(path, Object.assign({}, params, { limit: 200, cursor: cursor }));
      items.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor);
    return items;
  }

  function status(message, isError) {
    const el = $("status");
    el.className = isError ? "usa-alert usa-alert--error usa-alert--slim cx-status" : "cx-status";
    el.setAttribute("role", isError ? "alert" : "status");
    if (isError) {
      el.innerHTML = '<div class="usa-alert__body"><p class="usa-alert__text"></p></div>';
      el.querySelector("p").textContent = message;
    } else {
      el.textContent = message || "";
    }
  }

  function esc(s) {
    return String(s === null || s === undefined ? "" : s).replace(/[&<>"']/g,
      (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch]));
  }

  function fmt(value, kind) {
    if (value === null || value === undefined || value === "") return "—";
    if (kind === "share") return (value * 100).toFixed(0) + "%";
    if (kind === "percent") return Number(value).toFixed(1) + "%";
    if (kind === "hours") return Number(value).toFixed(1) + " h";
    if (kind === "score") return Number(value).toFixed(1);
    if (kind === "count") return Number(value).toLocaleString("en-US");
    return String(value);
  }

  function words(s) { return String(s || "").replace(/_/g, " "); }

  // USWDS's sortable table: the table behaviour (uswds.js) handles clicks on these header buttons
  // anywhere in the page; tables drawn later need the buttons it adds at start-up.
  const SORT_ICON = '<svg class="usa-icon" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" aria-hidden="true">' +
    '<g class="descending" fill="transparent"><path d="M17 17L15.59 15.59L12.9999 18.17V2H10.9999V18.17L8.41 15.58L7 17L11.9999 22L17 17Z"/></g>' +
    '<g class="ascending" fill="transparent"><path transform="rotate(180, 12, 12)" d="M17 17L15.59 15.59L12.9999 18.17V2H10.9999V18.17L8.41 15.58L7 17L11.9999 22L17 17Z"/></g>' +
    '<g class="unsorted" fill="transparent"><polygon points="15.17 15 13 17.17 13 6.83 15.17 9 16.58 7.59 12 3 7.41 7.59 8.83 9 11 6.83 11 17.17 8.83 15 7.42 16.41 12 21 16.59 16.41 15.17 15"/></g></svg>';

  function sortButtons(table) {
    for (const th of table.querySelectorAll("th[data-sortable]")) {
      const name = th.textContent;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "usa-table__header__button";
      button.title = "Click to sort by " + name + " in ascending order.";
      button.innerHTML = SORT_ICON;
      th.append(button);
      th.setAttribute("aria-label", name + ", sortable column, currently unsorted");
    }
  }

  let tableCount = 0;
  // columns: [{label, get(row), kind, html(row) (trusted markup, escaped by the caller), sort(row)}]
  function table(target, options) {
    const box = typeof target === "string" ? $(target) : target;
    const id = "t" + (++tableCount);
    const cols = options.columns;
    const sortable = options.sortable !== false && options.rows.length > 1;
    const head = cols.map((c) => '<th scope="col"' + (sortable ? " data-sortable" : "") + ">" + esc(c.label) + "</th>").join("");
    const cell = (row, c, i) => {
      const raw = c.sort ? c.sort(row) : c.get ? c.get(row) : "";
      const text = c.html ? c.html(row) : esc(fmt(c.get(row), c.kind));
      const sortValue = raw === null || raw === undefined ? "" : ' data-sort-value="' + esc(typeof raw === "number" ? raw : String(raw)) + '"';
      // right-aligned only where the column shows numbers, not text sorted by a number (the
      // overview's reasons, a KPI's target with its unit, the overdue clocks)
      const shown = c.get && !c.html ? c.get(row) : undefined;
      const num = i > 0 && !c.html && (c.kind || typeof shown === "number") ? ' class="cx-num"' : "";
      return (i === 0 ? '<th scope="row"' : "<td" + num) + sortValue + ">" + text + (i === 0 ? "</th>" : "</td>");
    };
    const body = options.rows.map((r) => "<tr>" + cols.map((c, i) => cell(r, c, i)).join("") + "</tr>").join("");
    const foot = options.total ? "<tfoot><tr>" + cols.map((c, i) =>
      (i === 0 ? '<th scope="row">' : '<td class="cx-num">') + esc(i === 0 ? options.totalLabel || "All departments" : fmt(c.get(options.total), c.kind)) +
      (i === 0 ? "</th>" : "</td>")).join("") + "</tr></tfoot>" : "";
    const filter = options.filter ? '<div class="usa-form-group cx-noprint cx-table-filter"><label class="usa-label" for="' + id +
      '-filter">Filter this table</label><input class="usa-input" type="search" id="' + id + '-filter"></div>' : "";
    const empty = options.rows.length ? "" : '<p class="cx-empty">' + esc(options.empty || "Nothing to show.") + "</p>";
    box.innerHTML = filter + '<div class="usa-table-container--scrollable" tabindex="0" role="region" aria-labelledby="' + id + '-caption">' +
      '<table class="usa-table usa-table--striped usa-table--compact cx-table' + (sortable ? " usa-table--sortable" : "") + '" id="' + id + '">' +
      '<caption id="' + id + '-caption">' + esc(options.caption) + "</caption><thead><tr>" + head + "</tr></thead><tbody>" + body +
      "</tbody>" + foot + "</table>" +
      '<div class="usa-sr-only usa-table__announcement-region" aria-live="polite"></div></div>' + empty;
    const t = $(id);
    if (sortable) sortButtons(t);
    if (options.filter) {
      const input = $(id + "-filter");
      input.addEventListener("input", () => {
        const needle = input.value.trim().toLowerCase();
        for (const tr of t.tBodies[0].rows) tr.hidden = needle !== "" && !tr.textContent.toLowerCase().includes(needle);
      });
    }
    return t;
  }

  function cards(target, items) {
    $(target).innerHTML = items.map((c) => '<li class="cx-card"><span class="cx-card__value">' + esc(c.value) +
      '</span><span class="cx-card__label">' + esc(c.label) + "</span></li>").join("");
  }

  function crumbs(items) {
    $("crumbs").innerHTML = items.map((c, i) => '<li class="usa-breadcrumb__list-item"' + (i === items.length - 1 ? ' aria-current="page"' : "") + ">" +
      (c.href && i < items.length - 1 ? '<a class="usa-breadcrumb__link" href="' + esc(c.href) + '"><span>' + esc(c.label) + "</span></a>"
        : "<span>" + esc(c.label) + "</span>") + "</li>").join("");
    $("breadcrumb").hidden = false;
  }

  function title(text) {
    $("page-title").textContent = text;
    document.title = text + " — cxgov dashboard";
  }

  function mount(template) {
    $("page").replaceChildren(document.importNode($(template).content, true));
  }

  function periodOptions() {
    const list = $("period-options");
    const now = new Date();
    const labels = [];
    for (let i = 0; i < 12; i++) {
      const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1));
      labels.push(d.getUTCFullYear() + "-" + String(d.getUTCMonth() + 1).padStart(2, "0"));
    }
    for (let y = now.getUTCFullYear(); y > now.getUTCFullYear() - 2; y--) for (let q = 4; q >= 1; q--) labels.push(y + "-Q" + q);
    for (let y = now.getUTCFullYear() + 1; y > now.getUTCFullYear() - 10; y--) labels.push("FY" + y);
    list.replaceChildren(...labels.map((l) => Object.assign(document.createElement("option"), { value: l })));
  }

  let render = null;
  let me = null;
  async function load() {
    const pasted = $("token").value.trim();
    if (pasted) setToken(pasted);
    const chosen = $("period").value.trim() || period();
    store.setItem("cxgov.period", chosen);
    if (!token()) { status((auth ? "Sign in, enter" : "Enter") + " a token or choose a demo user.", true); return; }
    status("Loading " + chosen + "…");
    const started = performance.now();
    let known = false;  // a 403 before /me answers is about the caller, not about a department
    try {
      me = await api("me");
      known = true;
      $("who").textContent = "Signed in as " + (me.name || me.subject) + " (" + me.role +
        (me.department ? ", " + me.department : ", all departments") + ")";
      delete document.body.dataset.loaded;
      // A page shows its figures first; what it returns (if anything) loads after them.
      const later = render ? await render({ me: me, period: chosen, params: config.params || {} }) : null;
      window.cxRenderMs = performance.now() - started;
      status("Showing " + chosen + ".");
      if (typeof later === "function") await later();
      window.cxCompleteMs = performance.now() - started;
      document.body.dataset.loaded = "all";
    } catch (e) {
      if (!known) $("who").textContent = "";
      status(e.status === 403 ? (known ? "Not in your scope: " : "No access: ") + e.message : e.message, true);
    }
  }

  function start(pageRender) {
    render = pageRender;
    periodOptions();
    for (const a of document.querySelectorAll("[data-nav]")) {
      if (a.dataset.nav === config.page) { a.classList.add("usa-current"); a.setAttribute("aria-current", "page"); }
    }
    const demo = config.demo_users || [];
    if (demo.length) {
      $("demo-picker").hidden = false;
      for (const user of demo) $("demo-user").append(Object.assign(document.createElement("option"), { value: user.token, textContent: user.label }));
      $("demo-user").addEventListener("change", (e) => { if (e.target.value) { $("token").value = e.target.value; setToken(e.target.value); load(); } });
    }
    $("token").value = store.getItem("cxgov.token") || "";
    $("period").value = new URLSearchParams(location.search).get("period") || period();
    $("controls").addEventListener("submit", (e) => { e.preventDefault(); load(); });
    $("forget").addEventListener("click", () => { setToken(""); $("token").value = ""; status("Token forgotten."); });
    if (auth) signInControls();
    if (token()) load();
  }

  // "Sign in" / "Sign out" in the header, when the page is configured with an identity provider.
  function signInControls() {
    const shown = () => { const signedIn = Boolean(auth.token()); $("sign-in").hidden = signedIn; $("sign-out").hidden = !signedIn; };
    $("oidc").hidden = false;
    shown();
    $("sign-in").addEventListener("click", () => {
      setToken(""); $("token").value = "";  // the person signing in is who the page will show
      auth.signIn(location.href).catch((e) => status(e.message, true));
    });
    $("sign-out").addEventListener("click", () => { auth.signOut(); });
    auth.onChange((t, reason) => {
      shown();
      if (t || store.getItem("cxgov.token")) return;  // renewed, or the page runs on a pasted token
      $("who").textContent = "";
      if (reason === "signed-out") status("Signed out.");
      else status("Your session has ended: sign in again.", true);
    });
  }

  // The surge watch's open alerts as a USWDS warning banner (nothing when none is open).
  function alertBanner(target, alerts) {
    const box = $(target);
    if (!box) return;
    if (!alerts.length) { box.innerHTML = ""; return; }
    const line = (a) => "<li>" + esc(a.department + ": " + (a.kind === "surge" ? "surge in " + a.scope + " " + a.key +
      " (" + a.figures.observed + " in 24 h, median " + a.figures.median + ")" : "backlog at risk (" + a.figures.at_risk +
      " items will pass their due time)") + ", since " + a.opened_at.slice(0, 16).replace("T", " ") +
      (a.acknowledged_by ? ", acknowledged" : ", not acknowledged")) + "</li>";
    box.innerHTML = '<div class="usa-alert usa-alert--warning" role="alert"><div class="usa-alert__body">' +
      '<h2 class="usa-alert__heading">' + alerts.length + " surge watch alert" + (alerts.length === 1 ? "" : "s") + " open</h2>" +
      '<ul class="usa-alert__text">' + alerts.map(line).join("") + "</ul></div></div>";
  }

  return { $, api, allPages, download, table, cards, crumbs, title, mount, status, esc, fmt, words, links,
           alertBanner, start, requests, config, reload: load, me: () => me };
})();
