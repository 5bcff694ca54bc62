// Small progressive enhancements, as the portal reveals fields without a page load.
// What a control's value shows; also run once this (deferred) script has loaded, for a value
// chosen before it had: a quick user, or a test driving a slow machine, would otherwise
// change it with no one listening and never see the fields it reveals.
function reveal(el) {
  if (el.id === "provisioning-mode") {
    document.querySelectorAll("[data-automatic]").forEach((s) => { s.hidden = el.value !== "Automatic"; });
  }
  if (el.id === "mapping-type") {
    const slot = document.getElementById("source-slot");
    if (slot.dataset.kind === el.value) return;
    const template = document.getElementById(`source-${el.value}`);
    slot.replaceChildren(template.content.cloneNode(true));
    slot.dataset.kind = el.value;
  }
  if (el.id === "show-advanced") {
    document.getElementById("advanced-options").hidden = !el.checked;
  }
}
["provisioning-mode", "mapping-type", "show-advanced"].forEach((id) => {
  const el = document.getElementById(id);
  if (el) reveal(el);
});
document.addEventListener("change", (event) => {
  const el = event.target;
  reveal(el);
  if (el.id === "match-objects") {
    const precedence = document.getElementById("matching-precedence");
    if (el.value === "Yes" && !precedence.value && precedence.dataset.next) precedence.value = precedence.dataset.next;
    if (el.value === "No") precedence.value = "";
  }
});
// Like the portal, a blade remembers which sections were expanded when you come back to it.
function setExpanded(el, open) {
  el.setAttribute("aria-expanded", String(open));
  document.getElementById(el.getAttribute("aria-controls")).hidden = !open;
  try { sessionStorage.setItem(`expanded:${el.id}`, String(open)); } catch (e) { /* storage off */ }
}
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("button[aria-expanded][aria-controls][id]").forEach((el) => {
    let saved = null;
    try { saved = sessionStorage.getItem(`expanded:${el.id}`); } catch (e) { /* storage off */ }
    if (saved === "true") setExpanded(el, true);
  });
});
document.addEventListener("click", (event) => {
  const el = event.target.closest("button");
  if (!el) return;
  if (el.matches("[aria-expanded][aria-controls]")) {
    setExpanded(el, el.getAttribute("aria-expanded") !== "true");
  }
  if (el.dataset.opens) {
    event.preventDefault();
    document.getElementById(el.dataset.opens).showModal();
  }
  if (el.dataset.closes) {
    document.getElementById(el.dataset.closes).close();
  }
});
// As the portal does, a blade says when its data was loaded, in the browser's clock: a page
// that shows the time only screenshots identically when the browser's clock is frozen. The
// element holds the words in the page's language; the time follows that language too.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-refreshed]").forEach((el) => {
    const lang = document.documentElement.lang === "en" ? "en-US" : document.documentElement.lang;
    el.textContent = `${el.textContent} ${new Date().toLocaleTimeString(lang, { timeZone: "UTC" })} UTC`;
  });
});
