// A recommendation: the finding, the management decision and its evaluation, the target-date
// history, the corrective actions with their evidence (`confirmed`), the history with the
// verification of its hash chain, and the history bundle to download.
"use strict";
(function () {
  const { $, api, allPages, table, esc, fmt, words, links } = window.cx;

  function facts(target, pairs) {
    $(target).innerHTML = '<dl class="cx-facts">' + pairs.filter(([, v]) => v !== undefined)
      .map(([k, v]) => "<dt>" + esc(k) + "</dt><dd>" + esc(v === null || v === "" ? "—" : v) + "</dd>").join("") + "</dl>";
  }

  function summary(r) {
    const late = Object.entries({ decision: "no management decision after 6 months", final_action: "no final action after 12 months",
      target_date: "past the target date" }).filter(([k]) => r.overdue[k]).map(([, v]) => v);
    facts("rec-summary", [
      ["Report", r.report_number], ["Number", r.number], ["Issuer", r.issuer.toUpperCase()], ["Issued on", r.issued_on],
      ["Status", words(r.status)], ["Priority", r.priority + (r.significant ? ", significant" : "")],
      ["Closure needs the auditor's concurrence", r.requires_concurrence ? "yes" : "no"],
      ["Age", r.age_days + " days"], ["Overdue", late.length ? late.join("; ") : "on no clock"],
      ["Decision due", r.due ? r.due.decision : null], ["Final action due", r.due ? r.due.final_action : null],
      ["Next date", r.due ? r.due.next : null], ["Closed on", r.closed_on],
      ["Recommendation", r.text], ["Criteria", r.finding.criteria], ["Condition", r.finding.condition],
      ["Cause", r.finding.cause], ["Effect", r.finding.effect],
      ["Questioned costs", r.questioned_costs], ["Unsupported costs", r.unsupported_costs],
      ["Funds put to better use", r.funds_put_to_better_use],
    ]);
    const res = r.resolution;
    facts("rec-decision", [
      ["Management decision", res.decision ? words(res.decision) : "not yet recorded"], ["Action plan", res.action_plan],
      ["Responsible officials", (res.responsible_officials || []).join("; ")], ["Management comments", res.comments],
      ["Decided at", res.decided_at], ["Auditor's evaluation", res.resolved === null || res.resolved === undefined ? "not yet evaluated" : res.resolved ? "resolved" : "unresolved"],
      ["Auditor's comments", res.auditor_comments], ["Evaluated at", res.evaluated_at],
    ]);
    const changes = res.target_date_changes || [];
    table("rec-targets", { caption: "Target dates, the original first" + (res.original_target_date ? " (original " + res.original_target_date +
      ", current " + res.target_date + ")" : ""), rows: changes, sortable: false, columns: [
      { label: "Target date", get: (x) => x.to }, { label: "Replaced", get: (x) => x.from }, { label: "Set at", get: (x) => x.at },
      { label: "Set by", get: (x) => x.by },
    ], empty: "No target date set yet." });
  }

  async function actions(base) {
    const list = await allPages(base + "/actions");
    const evidence = await Promise.all(list.map((a) => allPages(base + "/actions/" + encodeURIComponent(a.id) + "/evidence")));
    const box = $("rec-actions");
    box.innerHTML = '<div id="actions-table"></div>' + list.map((a, i) => '<div id="evidence-' + i + '"></div>').join("");
    table("actions-table", { caption: "Corrective actions (" + list.length + ")", rows: list, columns: [
      { label: "Action", get: (a) => a.description }, { label: "Owner", get: (a) => a.owner }, { label: "Due", get: (a) => a.due_date },
      { label: "Status", get: (a) => words(a.status) + (a.overdue ? ", overdue" : "") },
      { label: "Latest progress note", get: (a) => (a.progress_notes.length ? a.progress_notes[a.progress_notes.length - 1].note : null) },
      { label: "Evidence", get: (a) => evidence[list.indexOf(a)].length },
    ], empty: "No corrective action recorded." });
    list.forEach((a, i) => {
      table("evidence-" + i, { caption: "Evidence for: " + a.description, rows: evidence[i], sortable: false, columns: [
        { label: "Evidence", html: (e) => (e.kind === "link" ? '<a class="usa-link" href="' + esc(e.url) + '" rel="noopener noreferrer">' + esc(e.description || e.url) + "</a>"
          : esc(e.file_name + (e.description ? " — " + e.description : ""))), sort: (e) => e.file_name || e.url },
        { label: "Kind", get: (e) => e.kind },
        { label: "Confirmed", get: (e) => (e.kind === "link" ? "link" : e.confirmed ? "yes, SHA-256 checked" : "not yet") },
        { label: "SHA-256", html: (e) => (e.sha256 ? '<code class="cx-hash">' + esc(e.sha256) + "</code>" : "—"), sort: (e) => e.sha256 || "" },
        { label: "Added", get: (e) => e.created_at },
      ], empty: "No evidence for this action yet." });
    });
  }

  async function history(base) {
    const [entries, check] = await Promise.all([allPages(base + "/history"), api(base + "/history/verify")]);
    $("rec-verification").innerHTML = check.valid
      ? '<div class="usa-alert usa-alert--success usa-alert--slim"><div class="usa-alert__body"><p class="usa-alert__text">Verified: the ' +
        esc(check.entries) + " entries form an unbroken SHA-256 chain.</p></div></div>"
      : '<div class="usa-alert usa-alert--error usa-alert--slim"><div class="usa-alert__body"><p class="usa-alert__text">The chain is broken at entry ' +
        esc(check.first_broken) + " of " + esc(check.entries) + ".</p></div></div>";
    table("rec-history", { caption: "History, oldest first (" + entries.length + " entries)", rows: entries, filter: true, columns: [
      { label: "Seq", get: (h) => h.seq }, { label: "When", get: (h) => h.at }, { label: "Who", get: (h) => (h.actor_name || h.actor) + " (" + h.role + ")" },
      { label: "What", get: (h) => words(h.event) },
      { label: "Changes", get: (h) => Object.keys(h.changes || {}).map(words).join(", ") },
      { label: "Hash", html: (h) => '<code class="cx-hash">' + esc(h.hash.slice(0, 16)) + "…</code>", sort: (h) => h.hash },
    ] });
  }

  async function render(ctx) {
    const { dept, rec_id: recId } = ctx.params;
    cx.mount("tpl-recommendation");
    const base = "departments/" + encodeURIComponent(dept) + "/recommendations/" + encodeURIComponent(recId);
    const r = await api(base);
    cx.title(r.report_number + " recommendation " + r.number);
    const back = $("back-to-department");
    back.href = links.department(dept);
    back.textContent = "Back to the department " + dept;
    cx.crumbs([{ label: "Overview", href: links.overview() }, { label: dept, href: links.department(dept) },
               { label: r.report_number + " #" + r.number }]);
    summary(r);
    $("bundle").addEventListener("click", () => {
      cx.download(base + "/history/bundle", r.report_number + "-rec" + r.number + "-history-bundle.json")
        .then(() => cx.status("History bundle downloaded."))
        .catch((e) => cx.status("The history bundle is not available: " + e.message, true));
    });
    await Promise.all([actions(base), history(base)]);
  }

  window.cx.start(render);
})();
