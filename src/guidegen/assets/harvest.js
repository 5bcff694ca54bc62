// The secret values a page shows now, in one round trip: what the elements given show (the
// fields the guide's pages declare secret, found by Playwright's locators), and the values of
// the fields that are secret by what they are, whatever the guide declares: password fields,
// and fields labelled as secrets ("Secret Token", "API token"), so that a renamed token field
// still counts as one. Run by verify/actions.py with Playwright's evaluate_all.
(elements, pattern) => {
  // What an element shows a person: a field's value, else its text.
  const shows = (el) =>
    ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) ? el.value : el.innerText || el.textContent || '';
  const secretLabel = new RegExp(pattern, 'i');
  const labelOf = (el) => {
    const parts = [el.getAttribute('aria-label') || '', el.getAttribute('placeholder') || ''];
    for (const label of el.labels || []) parts.push(label.textContent || '');
    for (const id of (el.getAttribute('aria-labelledby') || '').split(/\s+/)) {
      const by = id && document.getElementById(id);
      if (by) parts.push(by.textContent || '');
    }
    return parts.join(' ');
  };
  const values = elements.map(shows);
  for (const el of document.querySelectorAll('input, textarea')) {
    if (el.type === 'password' || secretLabel.test(labelOf(el))) values.push(el.value);
  }
  return values;
}
