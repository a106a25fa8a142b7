// Trends: 24 months ending with the chosen period: feedback volume, the share answered within the
// target, overdue unanswered feedback, recommendations opened and closed (GET /rollup/series), and
// the surge watch's alerts: the open ones as a banner, those opened marked month by month.
"use strict";
(function () {
  const { $, api } = window.cx;

  // The last month of a period label (2017-03, 2017-Q2, FY2017).
  function lastMonth(label) {
    let m = /^(\d{4})-(\d{2})$/.exec(label);
    if (m) return label;
    m = /^(\d{4})-Q([1-4])$/.exec(label);
    if (m) return m[1] + "-" + String(Number(m[2]) * 3).padStart(2, "0");
    m = /^FY(\d{4})$/.exec(label);
    if (m) return m[1] + "-09";
    return null;
  }

  function monthsBefore(month, n) {
    const [y, m] = month.split("-").map(Number);
    const index = y * 12 + (m - 1) - n;
    return Math.floor(index / 12) + "-" + String(index % 12 + 1).padStart(2, "0");
  }

  async function render(ctx) {
    cx.mount("tpl-trends");
    cx.title(ctx.me.org_wide ? "Trends: every department" : "Trends: " + ctx.me.department);
    const to = lastMonth(ctx.period);
    const params = to ? { from: monthsBefore(to, 23), to: to } : {};
    const path = ctx.me.org_wide ? "rollup/series" : "departments/" + encodeURIComponent(ctx.me.department) + "/rollup/series";
    const series = await api(path, params);
    $("trends-range").textContent = "Month by month from " + series.from + " to " + series.to +
      ", feedback by the month it was received; overdue as of " + series.as_of.slice(0, 10) + ".";
    const months = series.months.map((m) => m.month);
    const pick = (f) => series.months.map(f);
    window.cxCharts.columns("chart-volume", { id: "volume", title: "Feedback received per month", categories: months,
      series: [{ name: "received", values: pick((m) => m.voc.volume) }, { name: "responded", values: pick((m) => m.voc.responded) }], unit: "count" });
    window.cxCharts.columns("chart-within", { id: "within", title: "Share of feedback answered within the target, per month of receipt",
      categories: months, series: [{ name: "within target", values: pick((m) => m.voc.within_target_share) }], unit: "share" });
    window.cxCharts.columns("chart-overdue", { id: "overdue", title: "Feedback overdue unanswered, by month of receipt",
      categories: months, series: [{ name: "overdue unanswered", values: pick((m) => m.voc.overdue_unanswered) }], unit: "count" });
    window.cxCharts.columns("chart-recs", { id: "recs", title: "Recommendations opened (issued) and closed per month",
      categories: months, series: [{ name: "opened", values: pick((m) => m.recommendations.opened) },
                                   { name: "closed", values: pick((m) => m.recommendations.closed) }], unit: "count" });
    const alertsPath = ctx.me.org_wide ? "alerts" : "departments/" + encodeURIComponent(ctx.me.department) + "/alerts";
    const alerts = (await api(alertsPath, { limit: 200 })).items;
    cx.alertBanner("trends-alerts", alerts.filter((a) => !a.resolved_at));
    const opened = (kind) => months.map((month) => alerts.filter((a) => a.kind === kind && a.opened_at.slice(0, 7) === month).length);
    window.cxCharts.columns("chart-alerts", { id: "alerts", title: "Surge watch alerts opened per month (newest 200)",
      categories: months, series: [{ name: "surge", values: opened("surge") }, { name: "backlog at risk", values: opened("backlog_risk") }], unit: "count" });
  }

  window.cx.start(render);
})();
