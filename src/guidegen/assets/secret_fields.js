// A Playwright selector engine (registered by verify/actions.py as guidegen-secret-fields,
// run in Playwright's isolated world) that finds the elements on a page that show secret
// values, so that verify learns the values before any artifact can hold them:
// - the elements labelled with one of `labels`: the declared fields found by their label, as
//   Playwright's getByLabel finds them (an element's aria-labelledby elements, its
//   aria-label, a form control's <label>s; their text as Playwright reads it), matched more
//   loosely than Playwright does (any case, anywhere in the label, whatever region the
//   locator names), so that the engine finds every element the locator would and perhaps a
//   few more: one more value redacted, never one missed;
// - the fields that are secret by what they are, whatever the guide declares: password
//   fields, and fields labelled as secrets ("Secret Token", "API token"), so that a renamed
//   token field still counts as one.
// Open shadow roots are searched too, as Playwright's locators search them.
// The selector's body is the URI-encoded JSON of { pattern, labels }. An engine, not a
// script for page.evaluate: Playwright runs engines in the world its actions already use,
// where a script of our own would need its helper script injected into every new page's own
// world first (17-20 ms a page, measured: most of what learning the secrets cost).
(() => {
  const queryAll = (root, body) => {
    const { pattern, labels } = JSON.parse(decodeURIComponent(body));
    // Playwright's normalizeWhiteSpace, then any case.
    const normal = (text) => text.replace(/[\u200b\u00ad]/g, '').trim().replace(/\s+/g, ' ').toLowerCase();
    const wanted = labels.map(normal).filter(Boolean);
    const secretLabel = new RegExp(pattern, 'i');

    // An element's text as Playwright's elementText reads it: text nodes, child elements'
    // and shadow roots' text, no scripts, styles or anything in <head>.
    const cache = new Map();
    const skipped = (el) => ['SCRIPT', 'NOSCRIPT', 'STYLE'].includes(el.nodeName) ||
      (document.head && document.head.contains(el));
    const textOf = (node) => {
      if (cache.has(node)) return cache.get(node);
      let text = '';
      if (node.nodeType === Node.ELEMENT_NODE && skipped(node)) {
        text = '';
      } else if (node instanceof HTMLInputElement && (node.type === 'submit' || node.type === 'button')) {
        text = node.value;
      } else {
        for (let child = node.firstChild; child; child = child.nextSibling) {
          if (child.nodeType === Node.TEXT_NODE) text += child.nodeValue || '';
          else if (child.nodeType === Node.ELEMENT_NODE) text += textOf(child);
        }
        if (node.shadowRoot) text += textOf(node.shadowRoot);
      }
      cache.set(node, text);
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

    const found = [];
    const visit = (scope) => {
      for (const el of scope.querySelectorAll('*')) {
        if (el.shadowRoot) visit(el.shadowRoot);
        const field = el.tagName === 'INPUT' || el.tagName === 'TEXTAREA';
        if (field && (el.type === 'password' || secretLabel.test(labelOf(el)))) {
          found.push(el);
        } else if (wanted.length && labelsOf(el).some((l) => wanted.some((w) => normal(l).includes(w)))) {
          found.push(el);
        }
      }
    };
    visit(root);
    return found;
  };
  return { queryAll, query: (root, body) => queryAll(root, body)[0] || null };
})()
