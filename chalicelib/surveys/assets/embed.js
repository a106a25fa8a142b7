/* cxgov survey: the hosted page's form, and the embed on a department's own site.
 *   <script src="https://API/s/SURVEY_ID/embed.js" data-mode="inline|modal" data-target="element-id"
 *           data-lang="en|es" async></script>
 * inline: the form goes into the element named by data-target (else right after the script);
 * modal: a button there opens the form in a dialog. The script reads the questions and sends the
 * response to the API it came from, without cookies (credentials: "omit"), as text/plain JSON (no
 * preflight). Markup is USWDS; every control has a label, fieldsets a legend, errors are announced. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var root = script.src.split("?")[0].replace(/\/embed\.js$/, "");
  var mode = script.getAttribute("data-mode") || "inline";
  var WORDS = {
    en: {submit: "Submit", thanks: "Thank you. Your feedback was received.", required: "(required)",
         up: "Yes", down: "No", open: "Give feedback", close: "Close", missing: "Please answer: ",
         busy: "Too many responses were sent from your connection. Please try again in a minute.",
         failed: "Your feedback could not be sent. Please try again later.",
         scale: function (lo, hi) { return lo + " is the lowest, " + hi + " the highest."; },
         website: "Leave this field empty", unavailable: "This survey is not available."},
    es: {submit: "Enviar", thanks: "Gracias. Recibimos sus comentarios.", required: "(obligatorio)",
         up: "Sí", down: "No", open: "Danos su opinión", close: "Cerrar", missing: "Responda: ",
         busy: "Se enviaron demasiadas respuestas desde su conexión. Inténtelo de nuevo en un minuto.",
         failed: "No se pudieron enviar sus comentarios. Inténtelo más tarde.",
         scale: function (lo, hi) { return lo + " es el más bajo, " + hi + " el más alto."; },
         website: "Deje este campo vacío", unavailable: "Esta encuesta no está disponible."}
  };
  var counter = 0;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (attrs[name] === true) { node.setAttribute(name, ""); }
      else if (attrs[name] !== false && attrs[name] != null) { node.setAttribute(name, attrs[name]); }
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function chooseLang(survey, asked) {
    var wanted = (asked || document.documentElement.lang || navigator.language || "en").slice(0, 2).toLowerCase();
    if (survey.languages.indexOf(wanted) >= 0) { return wanted; }
    return survey.languages.indexOf("en") >= 0 ? "en" : survey.languages[0];
  }

  function text(value, lang) { return value[lang] || value.en; }

  function legendFor(q, lang, w) {
    var children = [text(q.text, lang)];
    if (q.required) { children.push(" ", el("span", {"class": "text-secondary-dark"}, [w.required])); }
    return el("legend", {"class": "usa-legend"}, children);
  }

  function radio(prefix, q, value, label) {
    var id = prefix + q.id + "-" + value;
    return el("div", {"class": "usa-radio"}, [
      el("input", {"class": "usa-radio__input", type: "radio", id: id, name: prefix + q.id, value: String(value),
                   "data-question": q.id, required: q.required}),
      el("label", {"class": "usa-radio__label", "for": id}, [label])]);
  }

  function field(prefix, q, lang, w) {
    var box = el("div", {"class": "usa-form-group", "data-for": q.id});
    if (q.kind === "text") {
      var id = prefix + q.id;
      var label = el("label", {"class": "usa-label", "for": id}, [text(q.text, lang)]);
      if (q.required) { label.appendChild(document.createTextNode(" " + w.required)); }
      box.appendChild(label);
      box.appendChild(el("textarea", {"class": "usa-textarea", id: id, name: id, maxlength: "2000", rows: "4",
                                      "data-question": q.id, required: q.required}));
      return box;
    }
    var set = el("fieldset", {"class": "usa-fieldset"}, [legendFor(q, lang, w)]);
    if (q.kind === "thumbs") {
      set.appendChild(radio(prefix, q, "up", w.up));
      set.appendChild(radio(prefix, q, "down", w.down));
    } else if (q.kind === "rating") {
      var hint = prefix + q.id + "-hint";
      set.appendChild(el("p", {"class": "usa-hint", id: hint}, [w.scale(q.scale.min, q.scale.max)]));
      set.setAttribute("aria-describedby", hint);
      for (var v = q.scale.min; v <= q.scale.max; v++) { set.appendChild(radio(prefix, q, v, String(v))); }
    } else if (q.kind === "choice") {
      q.options.forEach(function (o) { set.appendChild(radio(prefix, q, o.value, text(o.text, lang))); });
    } else if (q.kind === "drivers") {
      box.hidden = true;  // shown once question_1 says which side: what went well, or what did not
      q.options.forEach(function (o) {
        var cid = prefix + q.id + "-" + o.value;
        set.appendChild(el("div", {"class": "usa-checkbox"}, [
          el("input", {"class": "usa-checkbox__input", type: "checkbox", id: cid, name: prefix + q.id,
                       value: o.value, "data-question": q.id}),
          el("label", {"class": "usa-checkbox__label", "for": cid, "data-positive": text(o.positive, lang),
                       "data-negative": text(o.negative, lang)}, [text(o.positive, lang)])]));
      });
    }
    box.appendChild(set);
    return box;
  }

  function positive(survey, form, prefix) {
    var first = form.querySelector("input[name='" + prefix + "question_1']:checked");
    if (!first) { return null; }
    return survey.kind === "a11_thumbs" ? first.value === "up" : Number(first.value) >= 4;
  }

  function answers(survey, form) {
    var found = {};
    survey.questions.forEach(function (q) {
      var inputs = form.querySelectorAll("[data-question='" + q.id + "']");
      if (q.kind === "text") {
        var value = inputs[0].value.trim();
        if (value) { found[q.id] = value; }
      } else if (q.kind === "drivers") {
        var chosen = [];
        inputs.forEach(function (i) { if (i.checked) { chosen.push(i.value); } });
        if (chosen.length) { found[q.id] = chosen; }
      } else {
        inputs.forEach(function (i) {
          if (i.checked) { found[q.id] = q.kind === "rating" ? Number(i.value) : i.value; }
        });
      }
    });
    return found;
  }

  function render(survey, host, lang, heading) {
    var w = WORDS[lang];
    var prefix = "cxs" + (++counter) + "-";
    var title = el(heading, {id: prefix + "title"}, [text(survey.title, lang)]);
    var status = el("div", {role: "status", "aria-live": "polite", id: prefix + "status"});
    var form = el("form", {"class": "usa-form usa-form--large", "aria-labelledby": prefix + "title",
                           lang: lang, novalidate: true});
    survey.questions.forEach(function (q) { form.appendChild(field(prefix, q, lang, w)); });
    var trap = el("div", {hidden: true}, [
      el("label", {"for": prefix + "website"}, [w.website]),
      el("input", {type: "text", id: prefix + "website", name: "website", tabindex: "-1", autocomplete: "off"})]);
    form.appendChild(trap);
    form.appendChild(el("button", {"class": "usa-button", type: "submit"}, [w.submit]));
    form.addEventListener("change", function () {
      var side = positive(survey, form, prefix);
      form.querySelectorAll("[data-for='question_2']").forEach(function (box) {
        box.hidden = side === null;
        box.querySelectorAll("label[data-positive]").forEach(function (label) {
          label.textContent = label.getAttribute(side === false ? "data-negative" : "data-positive");
        });
      });
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var given = answers(survey, form);
      var missing = survey.questions.filter(function (q) { return q.required && given[q.id] === undefined; });
      if (missing.length) {
        status.textContent = w.missing + text(missing[0].text, lang);
        status.className = "usa-alert usa-alert--error usa-alert--slim padding-1";
        var target = form.querySelector("[data-question='" + missing[0].id + "']");
        if (target) { target.focus(); }
        return;
      }
      var body = {answers: given, page: window.location.href, lang: lang};
      var website = form.querySelector("input[name='website']").value;
      if (website) { body.website = website; }
      fetch(root + "/responses", {method: "POST", credentials: "omit", mode: "cors",
                                  headers: {"Content-Type": "text/plain"}, body: JSON.stringify(body)})
        .then(function (response) {
          if (response.status === 202) {
            var done = el("div", {"class": "usa-alert usa-alert--success", tabindex: "-1", id: prefix + "done"}, [
              el("div", {"class": "usa-alert__body"}, [el("p", {"class": "usa-alert__text"}, [w.thanks])])]);
            form.replaceWith(done);
            status.textContent = "";
            status.className = "";
            done.focus();
            return;
          }
          return response.json().then(function (answer) {
            var detail = (answer && answer.error && answer.error.details || [])[0];
            var qid = detail && detail.field && detail.field.indexOf("answers.") === 0 ? detail.field.slice(8) : null;
            var q = survey.questions.filter(function (x) { return x.id === qid; })[0];
            status.textContent = response.status === 429 ? w.busy : q ? w.missing + text(q.text, lang) : w.failed;
            status.className = "usa-alert usa-alert--error usa-alert--slim padding-1";
            var target = q && form.querySelector("[data-question='" + q.id + "']");
            if (target) { target.focus(); }
          });
        })
        .catch(function () {
          status.textContent = w.failed;
          status.className = "usa-alert usa-alert--error usa-alert--slim padding-1";
        });
    });
    host.appendChild(title);
    host.appendChild(status);
    host.appendChild(form);
    return form;
  }

  function place() {
    var id = script.getAttribute("data-target");
    var host = id && document.getElementById(id);
    if (!host) {
      host = el("div", {"class": "cxgov-survey"});
      script.parentNode.insertBefore(host, script.nextSibling);
    }
    return host;
  }

  function start(survey) {
    var host = place();
    var lang = chooseLang(survey, script.getAttribute("data-lang"));
    if (mode === "modal") {
      var w = WORDS[lang];
      var dialog = el("dialog", {"class": "padding-4 radius-md", "aria-label": text(survey.title, lang), lang: lang});
      var close = el("button", {"class": "usa-button usa-button--unstyled float-right", type: "button"}, [w.close]);
      close.addEventListener("click", function () { dialog.close(); });
      dialog.appendChild(close);
      var opener = el("button", {"class": "usa-button", type: "button", "aria-haspopup": "dialog"}, [w.open]);
      opener.addEventListener("click", function () {
        if (!dialog.querySelector("form, .usa-alert--success")) { render(survey, dialog, lang, "h2"); }
        dialog.showModal();
      });
      host.appendChild(opener);
      host.appendChild(dialog);
      return;
    }
    render(survey, host, lang, mode === "page" ? "h1" : "h2");
    host.setAttribute("data-ready", "true");
  }

  fetch(root + "/questions", {credentials: "omit", mode: "cors"})
    .then(function (response) { if (!response.ok) { throw new Error(String(response.status)); } return response.json(); })
    .then(start)
    .catch(function () {
      var lang = (script.getAttribute("data-lang") || "en") === "es" ? "es" : "en";
      place().appendChild(el("p", {"class": "usa-alert__text"}, [WORDS[lang].unavailable]));
    });
}());
