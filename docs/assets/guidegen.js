/* guidegen plan picker.
 * Every plan-dependent element of a generated page carries data-gg-plans="free plus ...".
 * The reader picks a plan once (remembered in localStorage); steps, sections and text
 * variants outside it are hidden, guides that do not apply are greyed out in the navigation
 * and on the overview. Without JavaScript nothing is hidden and every badge stays visible.
 * A native <select> keeps the picker usable by keyboard and screen reader alike; a polite
 * live region next to it says what a choice hid, since the hiding happens elsewhere.
 */
(function () {
  "use strict";
  var KEY = "guidegen.plan";
  var data = window.GUIDEGEN || { plans: [], guides: {} };

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
    label.textContent = "Your plan";
    var select = document.createElement("select");
    select.id = "gg-plan-picker";
    var all = document.createElement("option");
    all.value = "";
    all.textContent = "All plans";
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
      el.setAttribute("data-gg-unavailable", "Not in " + planName(plan));
      el.setAttribute("title", "Not available on the " + planName(plan) + " plan");
    } else {
      el.removeAttribute("data-gg-unavailable");
      el.removeAttribute("title");
    }
  }

  function count(n, one) {
    return n + " " + one + (n === 1 ? "" : "s");
  }

  // What the choice hid, in words: the live region reads it out after a change.
  function announce(plan, guide, guideOut) {
    var status = document.getElementById("gg-plan-status");
    if (!status) { return; }
    var text;
    if (!plan) {
      text = "Showing steps for all plans";
    } else if (guideOut) {
      text = "This guide does not apply to the " + planName(plan) + " plan";
    } else if (guide) {
      var hidden = Array.prototype.filter.call(document.querySelectorAll(".gg-step"),
        function (step) { return !!step.closest("[hidden]"); }).length;
      text = "Showing steps for " + planName(plan) + ": " + count(hidden, "step") + " hidden";
    } else {
      var out = document.querySelectorAll(".gg-guide-card.gg-unavailable").length;
      text = "Showing guides for " + planName(plan) + ": " + count(out, "guide") +
        " not available";
    }
    status.textContent = text;
  }

  // Material's search dialog carries role="dialog" but no name to announce it by.
  function nameSearchDialog() {
    var dialog = document.querySelector(".md-search[role='dialog']:not([aria-label])");
    var input = dialog && dialog.querySelector("input[aria-label]");
    if (dialog) { dialog.setAttribute("aria-label", input ? input.getAttribute("aria-label") : "Search"); }
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
        notice.textContent = guideOut ? "This guide does not apply to the " + planName(plan) +
          " plan. It is available on: " + plansOf(guide).map(planName).join(", ") + "." : "";
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
        label.textContent = "Step " + (visible ? n : label.getAttribute("data-gg-number"));
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
