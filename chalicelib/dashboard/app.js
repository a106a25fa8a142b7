// cxgov dashboard: reads the API with the token kept in this tab (sessionStorage) and shows the
// rollup, server-rendered SVG charts and the benchmark ranking. No third-party code.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const store = window.sessionStorage;
  const state = { token: store.getItem("cxgov.token") || "", period: "" };

  let config = { demo_users: [], default_period: null };
  try { config = Object.assign(config, JSON.parse($("dashboard-config").textContent)); } catch (e) { /* defaults */ }

  function defaultPeriod() {
    if (config.default_period) return config.default_period;
    const now = new Date();
    const fy = now.getUTCMonth() >= 9 ? now.getUTCFullYear() + 1 : now.getUTCFullYear();
    return "FY" + fy;
  }

  function periodOptions() {
    const list = $("period-options");
    const now = new Date();
    const labels = [];
    for (let i = 0; i < 12; i++) {
      const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1));
      labels.push(d.getUTCFullYear() + "-" + String(d.getUTCMonth() + 1).padStart(2, "0"));
    }
    for (let y = now.getUTCFullYear(); y > now.getUTCFullYear() - 2; y--) {
      for (let q = 4; q >= 1; q--) labels.push(y + "-Q" + q);
    }
    for (let y = now.getUTCFullYear() + 1; y > now.getUTCFullYear() - 10; y--) labels.push("FY" + y);
    list.replaceChildren(...labels.map((l) => Object.assign(document.createElement("option"), { value: l })));
  }

  function status(message, isError) {
    const el = $("status");
    el.textContent = message || "";
    el.className = isError ? "error" : "";
    el.setAttribute("role", isError ? "alert" : "status");
  }

  async function api(path, accept) {
    const response = await fetch(path, {
      headers: { Authorization: "Bearer " + state.token, Accept: accept || "application/json" },
    });
    const text = await response.text();
    if (!response.ok) {
      let message = response.status + " " + response.statusText;
      try { message = JSON.parse(text).error.message; } catch (e) { /* not JSON */ }
      const error = new Error(message);
      error.status = response.status;
      throw error;
    }
    return accept === "image/svg+xml" ? text : JSON.parse(text);
  }

  function fmt(value, kind) {
    if (value === null || value === undefined) return "—";
    if (kind === "share") return (value * 100).toFixed(0) + "%";
    if (kind === "hours") return Number(value).toFixed(1) + " h";
    if (kind === "score") return Number(value).toFixed(1);
    return String(value);
  }

  function table(id, caption, columns, rows, total) {
    const t = $(id);
    const head = "<caption>" + caption + "</caption><thead><tr>" +
      columns.map((c) => '<th scope="col">' + c.label + "</th>").join("") + "</tr></thead>";
    const cell = (row, c, i) => (i === 0 ? '<th scope="row">' : "<td>") + escapeHtml(fmt(c.get(row), c.kind)) + (i === 0 ? "</th>" : "</td>");
    const body = "<tbody>" + rows.map((r) => "<tr>" + columns.map((c, i) => cell(r, c, i)).join("") + "</tr>").join("") + "</tbody>";
    const foot = total ? "<tfoot><tr>" + columns.map((c, i) => "<td>" + escapeHtml(i === 0 ? "All departments" : fmt(c.get(total), c.kind)) + "</td>").join("") + "</tr></tfoot>" : "";
    t.innerHTML = head + body + foot;
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch]));
  }

  async function chart(target, name) {
    const box = $(target);
    try {
      const svg = await api("dashboard/charts/" + name + "?period=" + encodeURIComponent(state.period), "image/svg+xml");
      const doc = new DOMParser().parseFromString(svg, "image/svg+xml");
      box.replaceChildren(document.importNode(doc.documentElement, true));
    } catch (e) {
      box.textContent = "Chart unavailable: " + e.message;
    }
  }

  function renderRollup(rollup) {
    const depts = rollup.departments;
    const rec = (r) => r.recommendations || {};
    table("rec-table", "Recommendations as of " + rollup.as_of.slice(0, 10), [
      { label: "Department", get: (r) => r.department || "" },
      { label: "Open", get: (r) => rec(r).open },
      { label: "Overdue: decision", get: (r) => rec(r).overdue && rec(r).overdue.decision },
      { label: "Overdue: final action", get: (r) => rec(r).overdue && rec(r).overdue.final_action },
      { label: "Past target date", get: (r) => rec(r).overdue && rec(r).overdue.target_date },
      { label: "Awaiting auditor", get: (r) => rec(r).closure_requested },
      { label: "Closed this FY", get: (r) => rec(r).closed_this_fy },
      { label: "> 365 days", get: (r) => rec(r).aging && rec(r).aging[">365"] },
    ], depts, depts.length > 1 ? rollup.total : null);
    const voc = (r) => r.voc || {};
    table("voc-table", "Feedback received in " + rollup.period, [
      { label: "Department", get: (r) => r.department || "" },
      { label: "Volume", get: (r) => voc(r).volume },
      { label: "Within target", get: (r) => voc(r).within_target_share, kind: "share" },
      { label: "Mean first response", get: (r) => voc(r).first_response_hours && voc(r).first_response_hours.mean, kind: "hours" },
      { label: "Overdue unanswered", get: (r) => voc(r).overdue_unanswered },
      { label: "Out of hours", get: (r) => voc(r).out_of_hours_share, kind: "share" },
      { label: "NPS", get: (r) => voc(r).nps, kind: "score" },
      { label: "CSAT", get: (r) => voc(r).csat, kind: "share" },
    ], depts, depts.length > 1 ? rollup.total : null);
    const kpi = (r) => r.kpis || {};
    table("kpi-table", "KPIs, latest period", [
      { label: "Department", get: (r) => r.department || "" },
      { label: "Met", get: (r) => kpi(r).met },
      { label: "Missed", get: (r) => kpi(r).missed },
      { label: "No data", get: (r) => kpi(r).no_data },
    ], depts, depts.length > 1 ? rollup.total : null);
  }

  function renderBenchmark(bench) {
    table("bench-table", "Ranked on " + bench.measure + " (" + bench.period + "), " + bench.direction + " is better", [
      { label: "Rank", get: (r) => (r.rank === null ? "no data" : r.rank) },
      { label: "Department", get: (r) => r.department },
      { label: "Value", get: (r) => r.value, kind: bench.unit },
      { label: "Organisation median", get: () => bench.median, kind: bench.unit },
    ], bench.items, null);
  }

  async function load() {
    const auth = window.cxgovAuth;
    const typed = $("token").value.trim();
    state.token = typed || (auth && auth.token()) || "";
    state.period = $("period").value.trim() || defaultPeriod();
    if (!state.token) { status(auth && auth.configured() ? "Sign in, enter a token or choose a demo user." : "Enter a token or choose a demo user.", true); return; }
    if (typed) store.setItem("cxgov.token", state.token);
    store.setItem("cxgov.period", state.period);
    status("Loading " + state.period + "…");
    try {
      const me = await api("me");
      $("who").textContent = "Signed in as " + (me.name || me.subject) + " (" + me.role +
        (me.department ? ", " + me.department : ", all departments") + ")";
      const path = me.org_wide ? "rollup" : "departments/" + encodeURIComponent(me.department) + "/rollup";
      const rollup = await api(path + "?period=" + encodeURIComponent(state.period));
      renderRollup(rollup);
      await Promise.all([chart("rec-chart", "recommendations"), chart("voc-chart", "voc"),
                         chart("channel-chart", "channels"), chart("kpi-chart", "kpis")]);
      if (me.org_wide) {
        const bench = await api("benchmarks?measure=" + encodeURIComponent($("measure").value) +
                                "&period=" + encodeURIComponent(state.period));
        renderBenchmark(bench);
      } else {
        $("bench-table").innerHTML = "<caption>Benchmarking across departments is for the CCXO and auditors.</caption>";
      }
      status("Showing " + state.period + ".");
    } catch (e) {
      status(e.message, true);
    }
  }

  function init() {
    periodOptions();
    const demo = config.demo_users || [];
    if (demo.length) {
      $("demo-picker").hidden = false;
      for (const user of demo) {
        $("demo-user").append(Object.assign(document.createElement("option"), { value: user.token, textContent: user.label }));
      }
      $("demo-user").addEventListener("change", (e) => { if (e.target.value) { $("token").value = e.target.value; load(); } });
    }
    $("token").value = state.token;
    $("period").value = new URLSearchParams(location.search).get("period") || store.getItem("cxgov.period") || defaultPeriod();
    $("controls").addEventListener("submit", (e) => { e.preventDefault(); load(); });
    $("measure").addEventListener("change", () => { if (state.token) load(); });
    $("forget").addEventListener("click", () => { store.removeItem("cxgov.token"); $("token").value = ""; state.token = ""; status("Token forgotten."); });
    const auth = window.cxgovAuth;
    if (auth && auth.configured()) {
      $("oidc").hidden = false;
      const signedIn = () => { const t = auth.token(); $("sign-in").hidden = Boolean(t); $("sign-out").hidden = !t; return t; };
      $("sign-in").addEventListener("click", () => auth.signIn(location.href).catch((e) => status(e.message, true)));
      $("sign-out").addEventListener("click", () => { $("who").textContent = ""; auth.signOut(); });
      auth.onChange((token, reason) => {
        signedIn();
        if (token) { if (!$("token").value.trim()) state.token = token; return; }
        state.token = $("token").value.trim();
        status(reason === "signed-out" ? "Signed out." : "Your session has ended: sign in again.", reason !== "signed-out");
      });
      if (signedIn() && !state.token) { load(); return; }
    }
    if (state.token) load();
  }

  init();
})();
