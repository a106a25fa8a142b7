// The overview: the organisation's totals (or a dcxo's own department), the departments that need
// attention first, a page at a time, and their recommendations, VoC and KPI figures; the benchmark.
"use strict";
(function () {
  const { $, api, table, cards, esc, fmt, links } = window.cx;
  const PAGE = 25;
  const state = { rows: [], cursor: null, rollup: null, q: "", ctx: null };

  const rec = (r) => r.recommendations;
  const overdueAny = (r) => rec(r).overdue.decision + rec(r).overdue.final_action + rec(r).overdue.target_date;
  const deptCell = (r) => '<a class="usa-link" href="' + esc(links.department(r.department)) + '">' + esc(r.name || r.department) +
    '</a> <span class="cx-id">' + esc(r.department) + "</span>";

  function totals(rollup) {
    const t = rollup.total;
    cards("totals", [
      { label: "open recommendations", value: fmt(t.recommendations.open, "count") },
      { label: "without final action after 12 months", value: fmt(t.recommendations.overdue.final_action, "count") },
      { label: "past their target date", value: fmt(t.recommendations.overdue.target_date, "count") },
      { label: "awaiting the auditor", value: fmt(t.recommendations.closure_requested, "count") },
      { label: "feedback received in " + rollup.period, value: fmt(t.voc.volume, "count") },
      { label: "answered within the target", value: fmt(t.voc.within_target_share, "share") },
      { label: "feedback overdue unanswered", value: fmt(t.voc.overdue_unanswered, "count") },
      { label: "KPIs met / missed / no data", value: t.kpis.met + " / " + t.kpis.missed + " / " + t.kpis.no_data },
    ]);
    const aging = t.recommendations.aging;
    window.cxCharts.bars("chart-aging", { id: "aging", title: "Open recommendations by age since the report, as of " + rollup.as_of.slice(0, 10),
      categories: Object.keys(aging).map((b) => b + " days"), series: [{ name: "open", values: Object.values(aging) }],
      unit: "count", categoryLabel: "Age" });
    window.cxCharts.bars("chart-kpis", { id: "kpis", title: "KPI attainment, latest period of each KPI",
      categories: ["met", "missed", "no data"], series: [{ name: "KPIs", values: [t.kpis.met, t.kpis.missed, t.kpis.no_data] }],
      unit: "count", categoryLabel: "Attainment" });
    const channels = Object.keys(t.voc.by_channel);
    window.cxCharts.bars("chart-channels", { id: "channels", title: "Feedback answered within the target by channel, " + rollup.period,
      categories: channels.map(cx.words), series: [{ name: "within target", values: channels.map((c) => t.voc.by_channel[c].within_target_share) }],
      unit: "share", max: 1, categoryLabel: "Channel" });
  }

  function departmentTables() {
    const rollup = state.rollup;
    const rows = state.rows;
    const many = state.ctx.me.org_wide;  // the org-wide view, even when a filter leaves one department
    const shown = rows.length < rollup.department_count
      ? " (" + rows.length + " of " + rollup.department_count + " departments, those needing attention first)" : "";
    $("attention-summary").textContent = many
      ? rollup.needs_attention_count + " of " + rollup.department_count + " departments need attention" + (state.q ? " (filter: " + state.q + ")" : "") + "."
      : (rows[0] && rows[0].attention && rows[0].attention.needs_attention ? "This department needs attention." : "Nothing needs attention.");
    // Only the departments with a reason: one that needs nothing is not listed here (the tables below list all)
    const needing = rows.filter((r) => r.attention && r.attention.reasons.length);
    table("attention-table", { caption: "Departments needing attention, with why" + shown, rows: needing, columns: [
      { label: "Department", html: deptCell, sort: (r) => r.name || r.department },
      { label: "Why", html: (r) => esc(r.attention.reasons.join("; ")), sort: (r) => r.attention.reasons.length },
      { label: "Overdue recommendations", get: overdueAny, kind: "count" },
      { label: "KPIs missed", get: (r) => r.kpis.missed, kind: "count" },
      { label: "Feedback overdue", get: (r) => r.voc.overdue_unanswered, kind: "count" },
      { label: "Within target", get: (r) => r.voc.within_target_share, kind: "share" },
    ], empty: many ? "No department shown needs attention." : "Nothing needs attention." });
    const total = many ? rollup.total : null;
    table("rec-table", { caption: "Recommendations as of " + rollup.as_of.slice(0, 10) + shown, rows: rows, total: total, columns: [
      { label: "Department", html: deptCell, sort: (r) => r.name || r.department },
      { label: "Open", get: (r) => rec(r).open },
      { label: "Overdue: decision", get: (r) => rec(r).overdue.decision },
      { label: "Overdue: final action", get: (r) => rec(r).overdue.final_action },
      { label: "Past target date", get: (r) => rec(r).overdue.target_date },
      { label: "Awaiting auditor", get: (r) => rec(r).closure_requested },
      { label: "Closed this FY", get: (r) => rec(r).closed_this_fy },
      { label: "Older than 365 days", get: (r) => rec(r).aging[">365"] },
    ] });
    const voc = (r) => r.voc;
    table("voc-table", { caption: "Feedback received in " + rollup.period + shown, rows: rows, total: total, columns: [
      { label: "Department", html: deptCell, sort: (r) => r.name || r.department },
      { label: "Volume", get: (r) => voc(r).volume, kind: "count" },
      { label: "Within target", get: (r) => voc(r).within_target_share, kind: "share" },
      { label: "Mean first response", get: (r) => voc(r).first_response_hours.mean, kind: "hours" },
      { label: "Overdue unanswered", get: (r) => voc(r).overdue_unanswered, kind: "count" },
      { label: "Out of hours", get: (r) => voc(r).out_of_hours_share, kind: "share" },
      { label: "NPS", get: (r) => voc(r).nps, kind: "score" },
      { label: "CSAT", get: (r) => voc(r).csat, kind: "share" },
    ] });
    table("kpi-table", { caption: "KPIs by their latest period (derived KPIs included)" + shown, rows: rows, total: total, columns: [
      { label: "Department", html: deptCell, sort: (r) => r.name || r.department },
      { label: "Met", get: (r) => r.kpis.met },
      { label: "Missed", get: (r) => r.kpis.missed },
      { label: "No data", get: (r) => r.kpis.no_data },
    ] });
    $("more-departments").hidden = !state.cursor;
  }

  async function departmentsPage(reset) {
    const ctx = state.ctx;
    const params = ctx.me.org_wide
      ? { period: ctx.period, sort: "attention", limit: PAGE, cursor: reset ? null : state.cursor, q: state.q }
      : { period: ctx.period };
    const rollup = await api(ctx.me.org_wide ? "rollup" : "departments/" + encodeURIComponent(ctx.me.department) + "/rollup", params);
    state.rollup = rollup;
    state.rows = reset ? rollup.departments : state.rows.concat(rollup.departments);
    state.cursor = rollup.next_cursor || null;
    return rollup;
  }

  async function benchmark() {
    const ctx = state.ctx;
    if (!ctx.me.org_wide) {
      $("bench-section").hidden = true;
      return;
    }
    const bench = await api("benchmarks", { measure: $("measure").value, period: ctx.period, limit: PAGE });
    const unit = bench.unit;
    table("bench-table", { caption: "Ranked on " + $("measure").selectedOptions[0].textContent + " (" + bench.period + "), " +
      bench.direction + " is better; " + (bench.items.length < bench.count ? "the best " + bench.items.length + " of " + bench.count : bench.count + " departments"),
    rows: bench.items, columns: [
      { label: "Rank", get: (r) => (r.rank === null ? "no data" : r.rank), sort: (r) => (r.rank === null ? 1e9 : r.rank) },
      { label: "Department", html: deptCell, sort: (r) => r.name },
      { label: "Value", get: (r) => r.value, kind: unit === "count" ? "count" : unit },
      { label: "Organisation median", get: () => bench.median, kind: unit === "count" ? "score" : unit },
    ] });
  }

  async function render(ctx) {
    state.ctx = ctx;
    cx.mount("tpl-overview");
    cx.title(ctx.me.org_wide ? "Overview: every department" : "Overview: " + ctx.me.department);
    $("dept-filter-form").hidden = !ctx.me.org_wide;
    const rollup = await departmentsPage(true);
    totals(rollup);
    departmentTables();
    $("more-departments").addEventListener("click", async () => {
      await departmentsPage(false);
      departmentTables();
    });
    $("dept-filter-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      state.q = $("dept-filter").value.trim();
      await departmentsPage(true);
      departmentTables();
    });
    $("measure").addEventListener("change", () => benchmark().catch((e) => cx.status(e.message, true)));
    // The ranking reads every department again: it comes after the figures above are shown.
    return benchmark;
  }

  window.cx.start(render);
})();
