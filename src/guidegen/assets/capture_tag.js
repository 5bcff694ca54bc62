// Marks the elements a screenshot names (target, highlights, masks) with a data attribute;
// returns how many matched. Run by capture.py with Playwright's evaluate_all.
(els, [attr, value, single, scroll]) => {
  if (single && els.length !== 1) return els.length;
  for (const e of els) e.setAttribute(attr, value);
  // Scrolled into view so lazy content and sticky headers are as a reader would see them.
  if (scroll) els[0].scrollIntoView({block: 'nearest', inline: 'nearest'});
  return els.length;
}
