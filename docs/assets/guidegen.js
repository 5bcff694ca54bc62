/* guidegen plan picker.
 * Every plan-dependent element of a generated page carries data-gg-plans="free plus ...".
 * The reader picks a plan once (remembered in localStorage); steps, sections and text
 * variants outside it are hidden, guides that do not apply are greyed out in the navigation
 * and on the overview. Without JavaScript nothing is hidden and every badge stays visible.
 * A native <select> keeps the picker usable by keyboard and screen reader alike; a polite
 * live region next to it says what a choice hid, since the hiding happens elsewhere.
 * Its words are written in English; a translated site's guidegen-data.js carries them in its
 * language ("messages", from templates/locales/<locale>.po), so the same script serves both.
 * The chosen plan is kept under one key for the whole origin, so it follows the reader from
 * one language's pages to the other's; the language switch stays on the same page.
 */
(function () {
  "use strict";
  var KEY = "guidegen.plan";
  var data = window.GUIDEGEN || { plans: [], guides: {} };
  var messages = data.messages || {};

  // gettext's Python-style placeholders, so the .po file holds one kind of message.
  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values || {}, name) ? String(values[name]) : all;
    });
  }

  function gettext(msgid, values) {
    return format(typeof messages[msgid] === "string" ? messages[msgid] : msgid, values);
  }

  // Two forms (one, other) are what English and German need; more languages would need
  // the catalog's plural rule here.
  function ngettext(singular, plural, n, values) {
    var forms = Array.isArray(messages[singular]) ? messages[singular] : [singular, plural];
    return format(n === 1 ? forms[0] : forms[forms.length - 1], values);
  }

  function stored() {
    try {
      var plan = window.localStorage.getItem(KEY);
      return data.plans.some(function (p) { return p.id === plan; }) ? plan : "";
    } catch (e) {
      return "";  // storage blocked (private mode, file://): the picker still works per page
    }
  }

  function store(plan) {
    try {
      if (plan) { window.localStorage.setItem(KEY, plan); } else { window.localStorage.removeItem(KEY); }
    } catch (e) { /* see stored() */ }
  }

  function planName(id) {
    var found = data.plans.filter(function (p) { return p.id === id; })[0];
    return found ? found.name : id;
  }

  function plansOf(el) {
    return (el.getAttribute("data-gg-plans") || "").split(/\s+/).filter(Boolean);
  }

  function guideIdOf(href) {
    var path;
    try { path = new URL(href, window.location.href).pathname; } catch (e) { return null; }
    var m = path.match(/\/guides\/([a-z0-9][a-z0-9-]*)(?:\/(?:index\.html)?|\.html)$/);
    return m && data.guides[m[1]] ? m[1] : null;
  }

  function picker() {
    var existing = document.getElementById("gg-plan-picker");
    if (existing) { return existing; }
    var wrap = document.createElement("div");
    wrap.className = "gg-picker";
    var label = document.createElement("label");
    label.setAttribute("for", "gg-plan-picker");
    label.textContent = gettext("Your plan");
    var select = document.createElement("select");
    select.id = "gg-plan-picker";
    var all = document.createElement("option");
    all.value = "";
    all.textContent = gettext("All plans");
    select.appendChild(all);
    data.plans.forEach(function (p) {
      var opt = document.createElement("option");
      opt.value = p.id;
      opt.textContent = p.name;
      select.appendChild(opt);
    });
    var status = document.createElement("p");
    status.id = "gg-plan-status";
    status.className = "gg-sr";
    status.setAttribute("role", "status");
    wrap.appendChild(label);
    wrap.appendChild(select);
    wrap.appendChild(status);
    var header = document.querySelector(".md-header__inner");
    var search = header && header.querySelector(".md-search");
    if (header) {
      header.insertBefore(wrap, search || null);
    } else {
      var content = document.querySelector(".md-content") || document.body;
      content.insertBefore(wrap, content.firstChild);
    }
    select.addEventListener("change", function () {
      store(select.value);
      apply(select.value);
    });
    return select;
  }

  function setOut(el, out) {
    if (out) { el.setAttribute("hidden", ""); } else { el.removeAttribute("hidden"); }
  }

  function markUnavailable(el, plan, out) {
    el.classList.toggle("gg-unavailable", out);
    if (out) {
      el.setAttribute("data-gg-unavailable", gettext("Not in %(plan)s", { plan: planName(plan) }));
      el.setAttribute("title", gettext("Not available on the %(plan)s plan", { plan: planName(plan) }));
    } else {
      el.removeAttribute("data-gg-unavailable");
      el.removeAttribute("title");
    }
  }

  // What the choice hid, in words: the live region reads it out after a change.
  function announce(plan, guide, guideOut) {
    var status = document.getElementById("gg-plan-status");
    if (!status) { return; }
    var text;
    if (!plan) {
      text = gettext("Showing steps for all plans");
    } else if (guideOut) {
      text = gettext("This guide does not apply to the %(plan)s plan", { plan: planName(plan) });
    } else if (guide) {
      var hidden = Array.prototype.filter.call(document.querySelectorAll(".gg-step"),
        function (step) { return !!step.closest("[hidden]"); }).length;
      var steps = ngettext("%(n)s step", "%(n)s steps", hidden, { n: hidden });
      text = gettext("Showing steps for %(plan)s: %(count)s hidden",
        { plan: planName(plan), count: steps });
    } else {
      var out = document.querySelectorAll(".gg-guide-card.gg-unavailable").length;
      var guides = ngettext("%(n)s guide", "%(n)s guides", out, { n: out });
      text = gettext("Showing guides for %(plan)s: %(count)s not available",
        { plan: planName(plan), count: guides });
    }
    status.textContent = text;
  }

  // Material's search dialog carries role="dialog" but no name to announce it by.
  function nameSearchDialog() {
    var dialog = document.querySelector(".md-search[role='dialog']:not([aria-label])");
    var input = dialog && dialog.querySelector("input[aria-label]");
    if (dialog) { dialog.setAttribute("aria-label", input ? input.getAttribute("aria-label") : gettext("Search")); }
  }

  // Material's language switch (extra.alternate) leads to each language's home page; point
  // it at this page in that language instead: every page exists in every language (a part
  // not translated yet shows in the source language there). Material's own click handler
  // would try the same through the sites' sitemaps, but whichever sitemap loads first decides,
  // and it can take the reader home: the click stops at the link, which the browser follows.
  function keepToTheLink(event) { event.stopPropagation(); }

  function samePageInOtherLanguages() {
    var bases = {};
    document.querySelectorAll("link[rel='alternate'][hreflang]").forEach(function (link) {
      bases[link.getAttribute("hreflang")] = link.href;
    });
    var here = bases[document.documentElement.getAttribute("lang")];
    if (!here || window.location.href.indexOf(here) !== 0) { return; }
    var rest = window.location.href.slice(here.length);
    document.querySelectorAll("a.md-select__link[hreflang]").forEach(function (a) {
      var there = bases[a.getAttribute("hreflang")];
      if (there) {
        a.href = there + rest;
        a.addEventListener("click", keepToTheLink);  // the same function: added once
      }
    });
  }

  function apply(plan) {
    document.documentElement.setAttribute("data-gg-plan", plan || "all");
    var guide = document.querySelector(".gg-guide");
    var guideOut = !!(guide && plan && plansOf(guide).indexOf(plan) < 0);

    // On a guide that is not in the plan nothing is hidden: the notice says why.
    document.querySelectorAll(".gg-step, .gg-section, .gg-variant").forEach(function (el) {
      setOut(el, !!plan && !guideOut && plansOf(el).indexOf(plan) < 0);
    });
    document.querySelectorAll(".gg-plan").forEach(function (li) {
      li.classList.toggle("gg-plan-current", li.getAttribute("data-gg-plan") === plan);
    });
    if (guide) {
      var notice = document.getElementById("gg-plan-notice");
      if (guideOut && !notice) {
        notice = document.createElement("div");
        notice.id = "gg-plan-notice";
        notice.className = "admonition warning gg-plan-notice";
        notice.setAttribute("role", "note");
        guide.insertBefore(notice, guide.firstChild);
      }
      if (notice) {
        notice.hidden = !guideOut;
        notice.textContent = guideOut ? gettext("This guide does not apply to the %(plan)s plan. " +
          "It is available on: %(plans)s.", { plan: planName(plan),
          plans: plansOf(guide).map(planName).join(", ") }) : "";
      }
      guide.classList.toggle("gg-unavailable-guide", guideOut);
    }

    // Number the visible steps 1, 2, 3... so a reader never wonders where step 4 went.
    document.querySelectorAll(".gg-guide").forEach(function (g) {
      var n = 0;
      g.querySelectorAll(".gg-step").forEach(function (step) {
        var label = step.querySelector(".gg-step-number");
        if (!label) { return; }
        var visible = !step.closest("[hidden]");
        if (visible) { n += 1; }
        label.textContent = gettext("Step %(number)s",
          { number: visible ? n : label.getAttribute("data-gg-number") });
      });
    });

    // Table of contents: hide the entries of hidden sections.
    document.querySelectorAll(".md-nav--secondary a[href^='#']").forEach(function (a) {
      var target = document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
      var holder = target && target.closest(".gg-section");
      var item = a.closest("li");
      if (item) { setOut(item, !!(holder && holder.hasAttribute("hidden"))); }
    });

    // Guides not in the plan: greyed out in the navigation and on the overview.
    document.querySelectorAll(".md-nav a[href]").forEach(function (a) {
      var id = guideIdOf(a.getAttribute("href"));
      if (id) { markUnavailable(a, plan, !!plan && data.guides[id].plans.indexOf(plan) < 0); }
    });
    document.querySelectorAll(".gg-guide-card").forEach(function (card) {
      markUnavailable(card, plan, !!plan && plansOf(card).indexOf(plan) < 0);
    });
    announce(plan, guide, guideOut);
  }

  function init() {
    nameSearchDialog();
    samePageInOtherLanguages();
    var plan = stored();
    picker().value = plan;
    apply(plan);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);  // Material: also runs after instant navigation
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
