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
  document.querySelector(".copied").textContent = "Copied to clipboard";
});
