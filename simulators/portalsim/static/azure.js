// Small progressive enhancements, as the portal reveals fields without a page load.
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.id === "provisioning-mode") {
    document.querySelectorAll("[data-automatic]").forEach((s) => { s.hidden = el.value !== "Automatic"; });
  }
  if (el.id === "mapping-type") {
    const slot = document.getElementById("source-slot");
    const template = document.getElementById(`source-${el.value}`);
    slot.replaceChildren(template.content.cloneNode(true));
  }
  if (el.id === "match-objects") {
    const precedence = document.getElementById("matching-precedence");
    if (el.value === "Yes" && !precedence.value) precedence.value = precedence.dataset.next;
    if (el.value === "No") precedence.value = "";
  }
  if (el.id === "show-advanced") {
    document.getElementById("advanced-options").hidden = !el.checked;
  }
});
document.addEventListener("click", (event) => {
  const el = event.target.closest("button");
  if (!el) return;
  if (el.matches("[aria-expanded][aria-controls]")) {
    const open = el.getAttribute("aria-expanded") !== "true";
    el.setAttribute("aria-expanded", String(open));
    document.getElementById(el.getAttribute("aria-controls")).hidden = !open;
  }
  if (el.dataset.opens) {
    event.preventDefault();
    document.getElementById(el.dataset.opens).showModal();
  }
  if (el.dataset.closes) {
    document.getElementById(el.dataset.closes).close();
  }
});
