// cxgov dashboard charts: SVG drawn in the page from figures the API computed. Every chart is an
// image with a title and a description that states every figure, and a data table beside it (its
// text equivalent); colours are the Okabe-Ito palette, readable by colour-blind viewers.
"use strict";
window.cxCharts = (function () {
  const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];
  const INK = "#1b1b1b";
  const GRID = "#757575";
  const esc = window.cx.esc;
  let count = 0;

  function label(value, unit) {
    if (value === null || value === undefined) return "no data";
    if (unit === "share") return (value * 100).toFixed(0) + "%";
    if (unit === "hours") return Number(value).toFixed(1) + " h";
    return Number(value).toLocaleString("en-US");
  }

  function describe(categories, series, unit) {
    return categories.map((c, i) => c + ": " + series.map((s) => s.name + " " + label(s.values[i], unit)).join(", ")).join("; ") || "no data";
  }

  function dataTable(id, title, categories, series, unit, categoryLabel) {
    const head = '<th scope="col">' + esc(categoryLabel) + "</th>" + series.map((s) => '<th scope="col">' + esc(s.name) + "</th>").join("");
    const rows = categories.map((c, i) => '<tr><th scope="row">' + esc(c) + "</th>" +
      series.map((s) => "<td>" + esc(label(s.values[i], unit)) + "</td>").join("") + "</tr>").join("");
    return '<details class="cx-chart-data"><summary>Data table: ' + esc(title) + "</summary>" +
      '<table class="usa-table usa-table--compact" id="' + id + '-data"><caption>' + esc(title) + "</caption><thead><tr>" + head +
      "</tr></thead><tbody>" + rows + "</tbody></table></details>";
  }

  function frame(box, id, title, svgBody, width, height, categories, series, unit, categoryLabel) {
    const el = typeof box === "string" ? document.getElementById(box) : box;
    el.innerHTML = '<figure class="cx-figure">' +
      '<svg xmlns="http://www.w3.org/2000/svg" class="cx-chart" id="' + id + '" role="img" viewBox="0 0 ' + width + " " + height +
      '" data-unit="' + esc(unit || "") + '" aria-labelledby="' + id + "-title " + id + '-desc" font-size="13">' +
      '<title id="' + id + '-title">' + esc(title) + '</title><desc id="' + id + '-desc">' + esc(describe(categories, series, unit)) +
      "</desc>" + svgBody + "</svg>" +
      "<figcaption>" + esc(title) + "</figcaption>" + dataTable(id, title, categories, series, unit, categoryLabel) + "</figure>";
  }

  function legend(series, x, y) {
    let out = "";
    series.forEach((s, j) => {
      out += '<rect x="' + x + '" y="' + (y - 10) + '" width="12" height="12" fill="' + PALETTE[j % PALETTE.length] + '"/>' +
        '<text x="' + (x + 16) + '" y="' + y + '" fill="' + INK + '">' + esc(s.name) + "</text>";
      x += 40 + 7 * s.name.length;
    });
    return out;
  }

  function bar(category, s, j, value, x, y, w, h) {
    return '<rect class="bar" x="' + x.toFixed(1) + '" y="' + y.toFixed(1) + '" width="' + Math.max(0, w).toFixed(1) + '" height="' + h.toFixed(1) +
      '" fill="' + PALETTE[j % PALETTE.length] + '" data-category="' + esc(category) + '" data-series="' + esc(s.name) +
      '" data-value="' + (value === null || value === undefined ? "" : value) + '"><title>' + esc(category + ", " + s.name + ": " + label(value, s.unit)) + "</title></rect>";
  }

  // Horizontal bars, one group per category; `stacked` stacks the series.
  function bars(box, options) {
    const id = "chart-" + (options.id || ++count);
    const { categories, series, unit } = options;
    series.forEach((s) => { s.unit = unit; });
    const width = 720, labelWidth = 200, rowH = 22, top = 8;
    const rowsPer = options.stacked ? 1 : series.length;
    const band = rowH * rowsPer + 10;
    const totals = categories.map((_, i) => options.stacked ? series.reduce((a, s) => a + (s.values[i] || 0), 0)
      : Math.max(0, ...series.map((s) => s.values[i] || 0)));
    const max = options.max || Math.max(1, ...totals);
    const plot = width - labelWidth - 90;
    let body = "", y = top;
    categories.forEach((c, i) => {
      body += '<text x="' + (labelWidth - 8) + '" y="' + (y + band / 2) + '" text-anchor="end" dominant-baseline="middle" fill="' + INK + '">' + esc(c) + "</text>";
      let offset = 0;
      series.forEach((s, j) => {
        const v = s.values[i];
        const w = (v || 0) / max * plot;
        const by = y + 4 + (options.stacked ? 0 : j * rowH);
        body += bar(c, s, j, v, labelWidth + offset, by, w, rowH - 6);
        if (!options.stacked) body += '<text x="' + (labelWidth + w + 4).toFixed(1) + '" y="' + (by + (rowH - 6) / 2) + '" dominant-baseline="middle" fill="' + INK + '">' + esc(label(v, unit)) + "</text>";
        if (options.stacked) offset += w;
      });
      if (options.stacked) body += '<text x="' + (labelWidth + offset + 4).toFixed(1) + '" y="' + (y + band / 2) + '" dominant-baseline="middle" fill="' + INK + '">' + esc(label(totals[i], unit)) + "</text>";
      y += band;
    });
    body += '<line x1="' + labelWidth + '" y1="' + top + '" x2="' + labelWidth + '" y2="' + y + '" stroke="' + GRID + '"/>';
    body += legend(series, labelWidth, y + 20);
    frame(box, id, options.title, body, width, y + 32, categories, series, unit, options.categoryLabel || "Category");
  }

  // The value axis: its top and the step between ticks. A share runs 0-100% in quarters; a count
  // gets a whole step of 1, 2 or 5 times a power of ten, at most 6 of them (0-5 in ones for a top
  // of 5, never 0, 1, 3, 4, 5), so each tick stands for a whole number and a bar of 4 ends on the
  // line labelled 4.
  function axis(dataMax, unit) {
    if (unit === "share") return { max: 1, step: 0.25 };
    const top = Math.max(1, dataMax);
    const raw = top / 6;
    const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    let step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw);
    if (unit === "count") step = Math.max(1, Math.round(step));
    return { max: Math.ceil(top / step - 1e-9) * step, step: step };
  }

  // Vertical columns over time (months), side by side per series; a share axis runs 0-100%.
  function columns(box, options) {
    const id = "chart-" + (options.id || ++count);
    const { categories, series, unit } = options;
    series.forEach((s) => { s.unit = unit; });
    const width = 900, height = 300, left = 56, bottom = 48, top = 12, right = 8;
    const plotW = width - left - right, plotH = height - top - bottom;
    const { max, step } = axis(Math.max(0, ...series.flatMap((s) => s.values.map((v) => v || 0))), unit);
    const slot = plotW / Math.max(1, categories.length);
    const barW = Math.max(2, (slot - 4) / series.length);
    let body = "";
    const ticks = Math.round(max / step);
    for (let k = 0; k <= ticks; k++) {
      const v = step * k, y = top + plotH - plotH * v / max;
      body += '<line x1="' + left + '" x2="' + (width - right) + '" y1="' + y.toFixed(1) + '" y2="' + y.toFixed(1) + '" stroke="#dfe1e2"/>' +
        '<text class="cx-tick" data-value="' + v + '" x="' + (left - 6) + '" y="' + y.toFixed(1) + '" text-anchor="end" dominant-baseline="middle" fill="' + INK + '">' + esc(label(v, unit)) + "</text>";
    }
    categories.forEach((c, i) => {
      series.forEach((s, j) => {
        const v = s.values[i];
        const h = (v || 0) / max * plotH;
        body += bar(c, s, j, v, left + i * slot + 2 + j * barW, top + plotH - h, barW - 1, h);
      });
      if (categories.length <= 12 || i % 3 === 0) {
        body += '<text x="' + (left + i * slot + slot / 2).toFixed(1) + '" y="' + (top + plotH + 16) + '" text-anchor="middle" fill="' + INK + '">' + esc(c) + "</text>";
      }
    });
    body += '<line x1="' + left + '" y1="' + (top + plotH) + '" x2="' + (width - right) + '" y2="' + (top + plotH) + '" stroke="' + GRID + '"/>';
    body += legend(series, left, height - 8);
    frame(box, id, options.title, body, width, height, categories, series, unit, options.categoryLabel || "Month");
  }

  return { bars, columns };
})();
