// The auditor's tracker: recommendations by report (open ones unless a closed status is chosen),
// filtered by overdue clock, status and issuer.
"use strict";
(function () {
  const { $, allPages, table, esc, words, links } = window.cx;
  const CLOSED = ["closed_implemented", "closed_not_implemented"];
  const CLOCKS = { decision: "no decision after 6 months", final_action: "no final action after 12 months", target_date: "past target date" };
  let reports = null;

  // The start of a recommendation's text, cut at a word, so a reader sees what it asks.
  const EXCERPT = 90;
  function excerpt(text) {
    const clean = String(text || "").replace(/\s+/g, " ").trim();
    if (clean.length <= EXCERPT) return clean;
    const cut = clean.slice(0, EXCERPT + 1);
    const space = cut.lastIndexOf(" ");
    return (space > EXCERPT / 2 ? cut.slice(0, space) : cut.slice(0, EXCERPT)).replace(/[\s,;:.]+$/, "") + "…";
  }

  function clocks(r) {
    const late = Object.keys(CLOCKS).filter((k) => r.overdue[k]);
    return late.length ? late.map((k) => '<span class="usa-tag cx-tag-late">' + esc(CLOCKS[k]) + "</span>").join(" ") : "on time";
  }

  async function show() {
    const clock = $("f-clock").value, status = $("f-status").value, issuer = $("f-issuer").value;
    const params = { status: status, issuer: issuer, overdue: clock ? "true" : "" };
    const [recs, found] = await Promise.all([allPages("recommendations", params), reports || allPages("audit-reports")]);
    reports = found;
    const wanted = recs.filter((r) => (status || !CLOSED.includes(r.status)) && (!clock || clock === "any" || r.overdue[clock]));
    const byReport = new Map();
    for (const r of wanted) {
      if (!byReport.has(r.report_id)) byReport.set(r.report_id, []);
      byReport.get(r.report_id).push(r);
    }
    const info = new Map(reports.map((p) => [p.id, p]));
    const ordered = [...byReport.keys()].sort((a, b) => ((info.get(a) || {}).issued_on < (info.get(b) || {}).issued_on ? -1 : 1));
    $("tracker-summary").textContent = wanted.length + " recommendation" + (wanted.length === 1 ? "" : "s") + " in " + ordered.length +
      " report" + (ordered.length === 1 ? "" : "s") + (status ? " with status " + words(status) : ", not closed") +
      (clock ? (clock === "any" ? ", overdue on any clock" : ", " + CLOCKS[clock]) : "") + (issuer ? ", issuer " + issuer.toUpperCase() : "") + ".";
    const box = $("tracker-reports");
    box.innerHTML = ordered.map((id, i) => {
      const p = info.get(id) || { number: byReport.get(id)[0].report_number, title: "", issuer: "", issued_on: "" };
      return '<section class="cx-section" aria-labelledby="report-' + i + '"><h2 id="report-' + i + '">' + esc(p.number) + (p.title ? ": " + esc(p.title) : "") +
        '</h2><p class="cx-id">' + esc((p.issuer || "").toUpperCase()) + ", issued " + esc(p.issued_on) + (p.category ? ", " + esc(words(p.category)) : "") +
        '</p><div id="report-table-' + i + '"></div></section>';
    }).join("") || '<p class="cx-empty">No recommendation matches these filters.</p>';
    ordered.forEach((id, i) => {
      table("report-table-" + i, { caption: "Recommendations of " + (info.get(id) || byReport.get(id)[0]).number, rows: byReport.get(id).sort((a, b) => a.number - b.number), columns: [
        { label: "Recommendation", html: (r) => '<a class="usa-link" href="' + esc(links.recommendation(r.department, r.id)) + '">#' + esc(r.number) +
          '</a> <span class="cx-rec-text">' + esc(excerpt(r.text)) + "</span>", sort: (r) => r.number },
        { label: "Department", html: (r) => '<a class="usa-link cx-nowrap" href="' + esc(links.department(r.department)) + '">' + esc(r.department) + "</a>", sort: (r) => r.department },
        { label: "Status", get: (r) => words(r.status) },
        { label: "Decision", get: (r) => (r.resolution.decision ? words(r.resolution.decision) : "none yet") },
        { label: "Age (days)", get: (r) => r.age_days },
        { label: "Overdue clocks", html: clocks, sort: (r) => Object.keys(CLOCKS).filter((k) => r.overdue[k]).length },
        { label: "Next date", get: (r) => (r.due ? r.due.next : null) },
      ] });
    });
  }

  async function render(ctx) {
    cx.mount("tpl-tracker");
    cx.title(ctx.me.org_wide ? "Recommendation tracker" : "Recommendation tracker: " + ctx.me.department);
    $("tracker-filters").addEventListener("submit", (e) => { e.preventDefault(); show().catch((err) => cx.status(err.message, true)); });
    await show();
  }

  window.cx.start(render);
})();
