// A department: its profile and figures for the period, its KPIs with attainment over time, its VoC
// month by month, how it compares with peers outside the organisation, and its recommendations
// with their overdue clocks and next dates.
"use strict";
(function () {
  const { $, api, allPages, table, cards, esc, fmt, words, links } = window.cx;

  function lastMonth(label) {
    const q = /^(\d{4})-Q([1-4])$/.exec(label), fy = /^FY(\d{4})$/.exec(label);
    if (/^\d{4}-\d{2}$/.test(label)) return label;
    if (q) return q[1] + "-" + String(Number(q[2]) * 3).padStart(2, "0");
    return fy ? fy[1] + "-09" : null;
  }

  function monthsBefore(month, n) {
    const [y, m] = month.split("-").map(Number);
    const index = y * 12 + (m - 1) - n;
    return Math.floor(index / 12) + "-" + String(index % 12 + 1).padStart(2, "0");
  }

  const CLOCKS = { decision: "no decision after 6 months", final_action: "no final action after 12 months", target_date: "past target date" };

  function clocks(r) {
    const late = Object.keys(CLOCKS).filter((k) => r.overdue[k]);
    return late.length ? late.map((k) => '<span class="usa-tag cx-tag-late">' + esc(CLOCKS[k]) + "</span>").join(" ") : "on time";
  }

  function profile(d, rollup) {
    const hours = d.staffed_hours ? d.staffed_hours.days.join(", ") + " " + d.staffed_hours.start + "–" + d.staffed_hours.end : "—";
    $("profile").innerHTML = [["Id", d.id], ["DCXO", d.dcxo_contact ? d.dcxo_contact.name + " (" + d.dcxo_contact.email + ")" : "—"],
      ["Response target", d.response_target_hours + " hours"], ["Staffed hours", hours + " (" + d.time_zone + ")"]]
      .map(([k, v]) => "<dt>" + esc(k) + "</dt><dd>" + esc(v) + "</dd>").join("");
    const row = rollup.departments[0];
    cards("dept-totals", [
      { label: "open recommendations", value: row.recommendations.open },
      { label: "awaiting the auditor", value: row.recommendations.closure_requested },
      { label: "feedback received in " + rollup.period, value: fmt(row.voc.volume, "count") },
      { label: "answered within the target", value: fmt(row.voc.within_target_share, "share") },
      { label: "feedback overdue unanswered", value: fmt(row.voc.overdue_unanswered, "count") },
      { label: "KPIs met / missed / no data", value: row.kpis.met + " / " + row.kpis.missed + " / " + row.kpis.no_data },
      secondLook(row.second_look),
    ]);
  }

  // The latest closed second-look sample: its misclassification rate with the Wilson interval.
  function secondLook(look) {
    if (!look) return { label: "misclassified (second look): no closed sample yet", value: "—" };
    const pct = (v) => (v * 100).toFixed(1) + "%";
    return { label: "misclassified in " + look.period + " (second look, " + look.misclassified + " of " +
      look.reviewed + "; " + Math.round(look.interval.confidence * 100) + "% interval " + pct(look.interval.low) +
      "–" + pct(look.interval.high) + ")", value: pct(look.rate) };
  }

  async function kpis(dept) {
    const list = await allPages("departments/" + encodeURIComponent(dept) + "/kpis");
    const measured = await Promise.all(list.map((k) =>
      api("departments/" + encodeURIComponent(dept) + "/kpis/" + encodeURIComponent(k.id) + "/measurements", { limit: 200 })));
    const box = $("dept-kpis");
    box.innerHTML = '<div id="kpi-summary"></div>' + list.map((k, i) => '<div class="cx-kpi" id="kpi-' + i + '"></div>').join("");
    const latest = (i) => { const items = measured[i].items; return items.length ? items[items.length - 1] : null; };
    table("kpi-summary", { caption: "KPIs of the department, by their latest period", rows: list.map((k, i) => ({ k: k, m: latest(i) })), columns: [
      { label: "KPI", get: (r) => r.k.name },
      { label: "Frequency", get: (r) => words(r.k.frequency) },
      { label: "Target", get: (r) => r.k.target + " " + r.k.unit + " (" + r.k.direction + " is better)", sort: (r) => r.k.target },
      { label: "Source", get: (r) => (r.k.derived_from ? "computed from feedback (" + r.k.derived_from + ")" : "measured") },
      { label: "Latest period", get: (r) => (r.m ? r.m.period : null) },
      { label: "Value", get: (r) => (r.m ? r.m.value : null), kind: "score" },
      { label: "Attainment", get: (r) => (r.m ? r.m.attainment : "no data") },
    ], empty: "No KPI defined." });
    list.forEach((k, i) => {
      const items = measured[i].items.slice(-24);
      table("kpi-" + i, { caption: k.name + ": attainment over time", rows: items, sortable: false, columns: [
        { label: "Period", get: (m) => m.period },
        { label: "Value", get: (m) => m.value, kind: "score" },
        { label: "Target", get: (m) => m.target },
        { label: "Attainment", get: (m) => m.attainment },
        { label: "Gap", get: (m) => m.gap, kind: "score" },
      ], empty: k.name + ": no measurement yet." });
    });
  }

  async function voc(dept, period) {
    const to = lastMonth(period);
    const series = await api("departments/" + encodeURIComponent(dept) + "/voc-series", to ? { from: monthsBefore(to, 23), to: to } : {});
    const months = series.months;
    window.cxCharts.columns("dept-voc-chart", { id: "dept-volume", title: "Feedback received and responded per month, " + series.from + " to " + series.to,
      categories: months.map((m) => m.month), unit: "count",
      series: [{ name: "received", values: months.map((m) => m.volume) }, { name: "responded", values: months.map((m) => m.responded) }] });
    window.cxCharts.columns("dept-within-chart", { id: "dept-within", title: "Share answered within the target per month of receipt",
      categories: months.map((m) => m.month), unit: "share", series: [{ name: "within target", values: months.map((m) => m.within_target_share) }] });
    table("dept-voc-table", { caption: "VoC month by month (feedback by month of receipt)", rows: months.slice().reverse(), sortable: true, columns: [
      { label: "Month", get: (m) => m.month },
      { label: "Volume", get: (m) => m.volume, kind: "count" },
      { label: "Responded", get: (m) => m.responded, kind: "count" },
      { label: "Within target", get: (m) => m.within_target_share, kind: "share" },
      { label: "Overdue unanswered", get: (m) => m.overdue_unanswered, kind: "count" },
      { label: "Mean first response", get: (m) => m.first_response_hours.mean, kind: "hours" },
      { label: "Out of hours", get: (m) => m.out_of_hours_share, kind: "share" },
      { label: "NPS", get: (m) => m.nps, kind: "score" },
      { label: "CSAT", get: (m) => m.csat, kind: "share" },
    ] });
  }

  async function recommendations(dept) {
    const recs = await allPages("recommendations", { department: dept });
    recs.sort((a, b) => (a.issued_on < b.issued_on ? 1 : a.issued_on > b.issued_on ? -1 : a.number - b.number));
    table("dept-recs", { caption: "Recommendations to the department (" + recs.length + ")", rows: recs, filter: true, columns: [
      { label: "Recommendation", html: (r) => '<a class="usa-link" href="' + esc(links.recommendation(r.department, r.id)) + '">' +
          esc(r.report_number + " #" + r.number) + "</a>", sort: (r) => r.report_number + "#" + String(r.number).padStart(4, "0") },
      { label: "Status", get: (r) => words(r.status) },
      { label: "Priority", get: (r) => r.priority },
      { label: "Age (days)", get: (r) => r.age_days },
      { label: "Overdue clocks", html: clocks, sort: (r) => Object.keys(CLOCKS).filter((k) => r.overdue[k]).length },
      { label: "Target date", get: (r) => r.resolution.target_date },
      { label: "Next date", get: (r) => (r.due ? r.due.next : null) },
    ], empty: "No recommendation." });
  }

  // The latest approved assessment against each framework (the API's score), and its open gaps: the
  // requirements answered non-compliant or partially compliant, with the recommendation raised from each.
  async function assessments(dept) {
    const approved = await allPages("departments/" + encodeURIComponent(dept) + "/assessments", { status: "approved" });
    const latest = new Map();
    for (const a of approved) {
      const seen = latest.get(a.framework_id);
      if (!seen || a.as_of > seen.as_of || (a.as_of === seen.as_of && a.id > seen.id)) latest.set(a.framework_id, a);
    }
    const rows = [...latest.values()];
    const full = await Promise.all(rows.map((a) => api("departments/" + encodeURIComponent(dept) + "/assessments/" + encodeURIComponent(a.id))));
    const box = $("dept-assessments");
    box.innerHTML = '<div id="assessment-scores"></div>' + rows.map((a, i) => '<div id="assessment-gaps-' + i + '"></div>').join("");
    table("assessment-scores", { caption: "Latest approved assessment per framework", rows: rows, columns: [
      { label: "Assessment", get: (a) => a.title },
      { label: "Framework", get: (a) => a.framework_id + " " + a.framework_version },
      { label: "As of", get: (a) => a.as_of },
      { label: "Compliance", get: (a) => a.score.compliance_share, kind: "share" },
      { label: "Maturity (mean)", get: (a) => a.score.maturity_mean, kind: "score" },
      { label: "Open gaps", get: (a) => a.open_gaps, kind: "count" },
    ], empty: "No approved assessment yet." });
    full.forEach((a, i) => {
      const gaps = a.requirements.filter((r) => r.answer && (r.answer.result === "non_compliant" || r.answer.result === "partially_compliant"));
      table("assessment-gaps-" + i, { caption: "Open gaps of " + a.title, rows: gaps, columns: [
        { label: "Requirement", get: (r) => r.ref + " " + r.title },
        { label: "Result", get: (r) => words(r.answer.result) },
        { label: "Observation", get: (r) => r.answer.observation },
        { label: "Recommendation", html: (r) => (r.finding ? '<a class="usa-link" href="' + esc(links.recommendation(dept, r.finding.recommendation_id)) +
            '">raised</a>' : "not raised"), sort: (r) => (r.finding ? 1 : 0) },
      ], empty: a.title + ": no open gap." });
    });
  }

  // Other governments' published figures (issue 29): the API compares; the page only shows it.
  async function peers(dept, period) {
    const ask = (measure) => api("departments/" + encodeURIComponent(dept) + "/benchmarks/peers", { measure: measure, period: period });
    const [hours, within] = await Promise.all([ask("median_hours_to_close"), ask("within_target_share")]);
    const rank = (b) => (b.percentile === null ? "no comparison" : "better than " + fmt(b.percentile / 100, "share") + " of peers");
    cards("dept-peer-cards", [
      { label: "median hours to first response, " + rank(hours), value: fmt(hours.department, "hours") },
      { label: "peers' median hours to close", value: fmt(hours.distribution ? hours.distribution.median : null, "hours") },
      { label: "answered within the target, " + rank(within), value: fmt(within.department, "share") },
      { label: "peers' median within-target share", value: fmt(within.distribution ? within.distribution.median : null, "share") },
    ]);
    table("dept-peers", { caption: "Peer groups in " + period + " (other governments' published requests)",
      rows: hours.peers.map((p, i) => ({ p: p, w: within.peers[i] })), columns: [
        { label: "Peer group", get: (r) => r.p.group + (r.p.service_type ? " – " + r.p.service_type : "") },
        { label: "Requests", get: (r) => r.p.volume, kind: "count" },
        { label: "Median hours to close", get: (r) => r.p.value, kind: "hours" },
        { label: "Within target", get: (r) => r.w.value, kind: "share" },
      ], empty: "No peer group mapped: the DCXO or the CCXO maps them (PUT …/peer-mapping)." });
  }

  async function render(ctx) {
    const dept = ctx.params.dept;
    cx.mount("tpl-department");
    const d = await api("departments/" + encodeURIComponent(dept));
    cx.title(d.name);
    cx.crumbs([{ label: "Overview", href: links.overview() }, { label: d.name }]);
    const rollup = await api("departments/" + encodeURIComponent(dept) + "/rollup", { period: ctx.period });
    profile(d, rollup);
    const open = await api("departments/" + encodeURIComponent(dept) + "/alerts", { status: "open", limit: 50 });
    cx.alertBanner("dept-alerts", open.items);
    await Promise.all([kpis(dept), voc(dept, ctx.period), recommendations(dept), assessments(dept),
                       peers(dept, rollup.period)]);
  }

  window.cx.start(render);
})();
