// The ways a person would open to look for a control that moved: links within the site,
// tabs not selected, collapsed expanders and menu buttons. Nothing that submits a form, signs
// out or deletes: following one must change no setting. Returns [{role, name, nav}], `nav`
// when it belongs to a navigation area (a menu, a tab list, a side bar), which come first.
() => {
  const text = (s) => (s || "").replace(/\s+/g, " ").trim();
  const unsafe = /sign ?out|log ?out|delete|remove|reset|revoke|regenerate/i;
  const nameOf = (el) => {
    const by = el.getAttribute("aria-labelledby");
    if (by) {
      return text(by.split(" ").map((id) => document.getElementById(id))
        .filter(Boolean).map((e) => e.textContent).join(" "));
    }
    return text(el.getAttribute("aria-label") || el.textContent);
  };
  const roleOf = (el) => {
    const role = el.getAttribute("role");
    if (role === "tab") return el.getAttribute("aria-selected") === "true" ? null : "tab";
    if (role === "menuitem") return "menuitem";
    if (el.getAttribute("aria-expanded") === "false" || el.hasAttribute("aria-haspopup")) {
      if (el.tagName === "A" && el.hasAttribute("href")) return "link";
      return (el.tagName === "BUTTON" || role === "button") ? "button" : null;
    }
    if (el.tagName === "A" && el.hasAttribute("href") && !role) {
      const url = new URL(el.getAttribute("href"), location.href);
      return url.origin === location.origin && !el.hasAttribute("download") ? "link" : null;
    }
    return null;
  };
  const out = [];
  const seen = new Set();
  const selector = "a[href], [role=tab], [role=menuitem], [aria-expanded=false], [aria-haspopup]";
  for (const el of document.querySelectorAll(selector)) {
    if (typeof el.checkVisibility === "function" && !el.checkVisibility()) continue;
    if (el.closest("form") && (el.type === "submit")) continue;
    const role = roleOf(el);
    const name = nameOf(el);
    if (!role || !name || unsafe.test(name) || seen.has(role + "\u0000" + name)) continue;
    seen.add(role + "\u0000" + name);
    const nav = !!el.closest("nav, aside, [role=navigation], [role=tablist], [role=menu]");
    out.push({ role, name, nav });
  }
  return out;
}
