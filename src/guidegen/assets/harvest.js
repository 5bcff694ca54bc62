// The secret values a page shows now, in one round trip:
// - what the elements given show (declared secret fields Playwright's locators found: those
//   the script cannot find by itself, see verify/actions.py);
// - what the elements labelled with one of `labels` show: the declared fields found by their
//   label, as Playwright's getByLabel finds them (an element's aria-labelledby elements, its
//   aria-label, a form control's <label>s; their text as Playwright reads it), matched more
//   loosely than Playwright does (any case, anywhere in the label, whatever
//   region the locator names), so that the script finds every element the locator would and
//   perhaps a few more: one more value redacted, never one missed;
// - the values of the fields that are secret by what they are, whatever the guide declares:
//   password fields, and fields labelled as secrets ("Secret Token", "API token"), so that a
//   renamed token field still counts as one.
// Open shadow roots are searched too, as Playwright's locators search them.
// Run by verify/actions.py with page.evaluate, or Playwright's evaluate_all.
(elements, { pattern, labels }) => {
  // What an element shows a person: a field's value, else its text.
  const shows = (el) =>
    ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) ? el.value : el.innerText || el.textContent || '';
  // Playwright's normalizeWhiteSpace, then any case.
  const normal = (text) => text.replace(/[\u200b\u00ad]/g, '').trim().replace(/\s+/g, ' ').toLowerCase();
  const wanted = labels.map(normal).filter(Boolean);
  const secretLabel = new RegExp(pattern, 'i');

  // An element's text as Playwright's elementText reads it: text nodes, child elements' and
  // shadow roots' text, no scripts, styles or anything in <head>.
  const cache = new Map();
  const skipped = (el) => ['SCRIPT', 'NOSCRIPT', 'STYLE'].includes(el.nodeName) ||
    (document.head && document.head.contains(el));
  const textOf = (root) => {
    if (cache.has(root)) return cache.get(root);
    let text = '';
    if (root.nodeType === Node.ELEMENT_NODE && skipped(root)) {
      text = '';
    } else if (root instanceof HTMLInputElement && (root.type === 'submit' || root.type === 'button')) {
      text = root.value;
    } else {
      for (let child = root.firstChild; child; child = child.nextSibling) {
        if (child.nodeType === Node.TEXT_NODE) text += child.nodeValue || '';
        else if (child.nodeType === Node.ELEMENT_NODE) text += textOf(child);
      }
      if (root.shadowRoot) text += textOf(root.shadowRoot);
    }
    cache.set(root, text);
    return text;
  };
  // Every label an element has: its aria-labelledby elements, its aria-label and its
  // <label>s (Playwright's getElementLabels takes the first of these that there is: all of
  // them is as many matches or more), and for a field its placeholder.
  const labelsOf = (el) => {
    const found = [];
    const ids = el.getAttribute('aria-labelledby');
    if (ids) {
      const scope = el.getRootNode();
      for (const id of ids.split(/\s+/).filter(Boolean)) {
        const by = scope.getElementById ? scope.getElementById(id) : document.getElementById(id);
        if (by) found.push(textOf(by));
      }
    }
    const ariaLabel = el.getAttribute('aria-label');
    if (ariaLabel) found.push(ariaLabel);
    for (const label of el.labels || []) found.push(textOf(label));
    return found;
  };
  const labelOf = (el) => [...labelsOf(el), el.getAttribute('placeholder') || ''].join(' ');

  const values = elements.map(shows);
  const visit = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) visit(el.shadowRoot);
      const field = el.tagName === 'INPUT' || el.tagName === 'TEXTAREA';
      if (field && (el.type === 'password' || secretLabel.test(labelOf(el)))) {
        values.push(el.value);
      } else if (wanted.length && labelsOf(el).some((l) => wanted.some((w) => normal(l).includes(w)))) {
        values.push(shows(el));
      }
    }
  };
  visit(document);
  return values;
}
