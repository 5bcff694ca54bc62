// Switches save at once, as in Zenkit; the page only reveals what the switch controls.
document.addEventListener("change", async (event) => {
  const input = event.target;
  if (!input.matches("[role=switch][data-field]")) return;
  const body = new URLSearchParams({ action: "toggle", field: input.dataset.field, value: input.checked ? "on" : "off" });
  await fetch("/settings/provisioning", { method: "POST", body, headers: { "X-Requested-With": "fetch" } });
  if (input.dataset.reveals) document.getElementById(input.dataset.reveals).hidden = !input.checked;
});
document.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  const value = document.getElementById(button.dataset.copy).value;
  try { await navigator.clipboard.writeText(value); } catch (error) { /* no clipboard in some browsers */ }
  const status = document.querySelector(".copied");
  status.textContent = status.dataset.message;  // the page's words, in its language
});
// Only in scenarios of the drift corpus (portalsim.drift): tabs, confirmation dialogs, and a
// token the page shows only on request.
document.addEventListener("click", async (event) => {
  const tab = event.target.closest("[role=tab]");
  if (tab) {
    tab.closest("[role=tablist]").querySelectorAll("[role=tab]").forEach((each) => {
      const selected = each === tab;
      each.setAttribute("aria-selected", String(selected));
      each.tabIndex = selected ? 0 : -1;
      document.getElementById(each.getAttribute("aria-controls")).hidden = !selected;
    });
  }
  const opener = event.target.closest("button[data-opens]");
  if (opener) document.getElementById(opener.dataset.opens).showModal();
  const closer = event.target.closest("button[data-closes]");
  if (closer) document.getElementById(closer.dataset.closes).close();
  const show = event.target.closest("button[data-shows]");
  if (show) {
    const response = await fetch("/settings/provisioning/token");
    if (response.ok) {
      document.getElementById(show.dataset.shows).value = (await response.json()).token;
      show.hidden = true;
    }
  }
});
