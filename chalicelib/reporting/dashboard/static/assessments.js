// Assessments: each department's latest approved assessment against a framework, ranked (the org
// summary, for the ccxo and auditors), or a dcxo's own department's approved assessments.
"use strict";
(function () {
  const { $, api, allPages, table, esc, fmt, words, links } = window.cx;

  function scoreColumns() {
    return [
      { label: "Compliance", get: (r) => r.score.compliance_share, kind: "share" },
      { label: "Maturity (mean)", get: (r) => r.score.maturity_mean, kind: "score" },
      { label: "Open gaps", get: (r) => r.open_gaps, kind: "count" },
    ];
  }

  async function summary(frameworks) {
    const id = $("framework").value;
    const framework = frameworks.find((f) => f.id === id);
    const found = await api("assessments/summary", { framework_id: id });
    $("assessments-note").textContent = found.items.length + " department" + (found.items.length === 1 ? "" : "s") +
      " with an approved assessment against " + framework.name + ", ranked by compliance share.";
    table("assessments-table", { caption: "Latest approved assessment per department: " + framework.name, rows: found.items, filter: true,
      columns: [
        { label: "Rank", get: (r) => r.rank },
        { label: "Department", html: (r) => '<a class="usa-link" href="' + esc(links.department(r.department)) + '">' + esc(r.department) + "</a>", sort: (r) => r.department },
        { label: "Assessment", get: (r) => r.title },
        { label: "As of", get: (r) => r.as_of },
      ].concat(scoreColumns()), empty: "No department has an approved assessment against this framework yet." });
    // The categories in a table of their own: beside the ranking they ran past 1,280 px (issue 25's check).
    table("assessments-categories", { caption: "Compliance share by category: " + framework.name, rows: found.items,
      columns: [
        { label: "Department", html: (r) => '<a class="usa-link" href="' + esc(links.department(r.department)) + '">' + esc(r.department) + "</a>", sort: (r) => r.department },
      ].concat(framework.categories.map((c) => ({ label: words(c), get: (r) => (r.score.by_category[c] || {}).compliance_share, kind: "share" }))),
      empty: "No department has an approved assessment against this framework yet." });
  }

  async function own(dept) {
    const items = await allPages("departments/" + encodeURIComponent(dept) + "/assessments", { status: "approved" });
    $("assessments-note").textContent = items.length + " approved assessment" + (items.length === 1 ? "" : "s") + " of " + dept + ".";
    table("assessments-table", { caption: "Approved assessments of " + dept, rows: items, columns: [
      { label: "Assessment", get: (r) => r.title },
      { label: "Framework", get: (r) => r.framework_id + " " + r.framework_version },
      { label: "As of", get: (r) => r.as_of },
    ].concat(scoreColumns()), empty: "No approved assessment yet." });
  }

  async function render(ctx) {
    cx.mount("tpl-assessments");
    if (!ctx.me.org_wide) {
      cx.title("Assessments: " + ctx.me.department);
      $("framework-form").hidden = true;
      await own(ctx.me.department);
      return;
    }
    cx.title("Assessments across departments");
    const frameworks = await allPages("frameworks");
    $("framework").innerHTML = frameworks.map((f) => '<option value="' + esc(f.id) + '">' + esc(f.name) + " (" + esc(f.version) + ")</option>").join("");
    $("framework-form").addEventListener("submit", (e) => { e.preventDefault(); summary(frameworks).catch((err) => cx.status(err.message, true)); });
    await summary(frameworks);
  }

  window.cx.start(render);
})();
