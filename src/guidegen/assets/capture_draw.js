// Draws a screenshot's highlights, callouts, arrows and masks; returns the layout the crop
// needs. Run by capture.py before the shot.
// One container for every overlay: absolutely positioned over the document, exactly its size,
// clipping its content and in a closed-off shadow root, so it neither moves the page's layout,
// nor grows its scroll area, nor takes the page's CSS, nor catches a click.
async ({colour, maskColour, highlights, secrets}) => {
  // Settle before measuring, as Playwright's animations="disabled" does during the shot:
  // finite animations jump to their end, infinite ones are cancelled. Measuring first would
  // crop where an element was mid-transition.
  await document.fonts.ready;
  for (const a of document.getAnimations()) {
    const end = a.effect ? a.effect.getComputedTiming().endTime : Infinity;
    if (end === Infinity) a.cancel(); else a.finish();
  }

  // A password field is secret by what it is (its dots tell the length).
  for (const el of document.querySelectorAll('input[type=password]')) {
    el.setAttribute('data-guidegen-mask', '');
  }
  // Whatever shows a secret (a field's value, a text node) is masked, declared or not.
  const shows = (s) => !!s && secrets.some((x) => s.includes(x));
  if (secrets.length) {
    for (const el of document.querySelectorAll('input, textarea, select')) {
      if (shows(el.value)) el.setAttribute('data-guidegen-mask', '');
    }
    const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      // A closed <select> draws its option's text, but the option itself has no box.
      const el = n.parentElement && (n.parentElement.closest('select') || n.parentElement);
      if (el && shows(n.nodeValue)) el.setAttribute('data-guidegen-mask', '');
    }
  }

  const visible = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  };
  const target = document.querySelector('[data-guidegen-target]');
  if (target && !visible(target)) return {hidden: 'target'};
  for (let i = 0; i < highlights.length; i++) {
    if (!visible(document.querySelector(`[data-guidegen-highlight="${i}"]`))) return {hidden: i};
  }

  const de = document.documentElement;
  const body = document.body || de;
  const docW = Math.max(de.scrollWidth, body.scrollWidth);
  const docH = Math.max(de.scrollHeight, body.scrollHeight);
  const onPage = (el) => {
    const r = el.getBoundingClientRect();
    return [r.left + scrollX, r.top + scrollY, r.width, r.height];
  };
  const host = document.createElement('guidegen-overlay');
  host.setAttribute('data-guidegen-overlay', '');
  host.style.cssText = 'all: initial; position: absolute; left: 0; top: 0; overflow: hidden;'
    + 'pointer-events: none; z-index: 2147483647; contain: strict;'
    + `width: ${docW}px; height: ${docH}px;`;
  de.appendChild(host);
  // Its containing block may not start at the document's origin (a positioned <html>).
  const [ox, oy] = onPage(host);
  host.style.left = `${-ox}px`;
  host.style.top = `${-oy}px`;
  const root = host.attachShadow({mode: 'closed'});
  const add = (x, y, w, h, css, html) => {
    const d = document.createElement('div');
    d.style.cssText = `position: absolute; box-sizing: border-box; left: ${x}px; top: ${y}px;`
      + `width: ${w}px; height: ${h}px; ${css}`;
    if (html) d.innerHTML = html;
    root.appendChild(d);
  };

  const masks = [];
  for (const el of document.querySelectorAll('[data-guidegen-mask]')) {
    const [x, y, w, h] = onPage(el);
    if (w === 0 || h === 0) continue;
    // Whole pixels outward, and text spilling out of the box too: no pixel of it may show.
    const spills = getComputedStyle(el).overflow === 'visible'
      && !['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
    const x0 = Math.floor(x), y0 = Math.floor(y);
    const x1 = Math.ceil(x + (spills ? Math.max(w, el.scrollWidth) : w));
    const y1 = Math.ceil(y + (spills ? Math.max(h, el.scrollHeight) : h));
    add(x0, y0, x1 - x0, y1 - y0, `background: ${maskColour};`);
    masks.push([x0, y0, x1 - x0, y1 - y0]);
  }

  const drawn = [];
  highlights.forEach(({callout, arrow}, i) => {
    const el = document.querySelector(`[data-guidegen-highlight="${i}"]`);
    const element = onPage(el);
    const [ex, ey, ew, eh] = element;
    const x = ex - 4, y = ey - 4, w = ew + 8, h = eh + 8;
    let ext = [x, y, x + w, y + h];
    const grow = (a, b, c, d) => {
      ext = [Math.min(ext[0], a), Math.min(ext[1], b), Math.max(ext[2], c), Math.max(ext[3], d)];
    };
    add(x, y, w, h, `border: 3px solid ${colour}; border-radius: 4px;`);
    if (arrow) {
      const left = x - 70 >= 0;
      const ax = left ? x - 70 : x + w + 6, ay = y + h / 2 - 12;
      add(ax, ay, 64, 24, left ? '' : 'transform: scaleX(-1);',
        `<svg width="64" height="24" viewBox="0 0 64 24"><path d="M2 12H50" stroke="${colour}"`
        + ` stroke-width="4" stroke-linecap="round"/><path d="M46 3L63 12L46 21Z" fill="${colour}"/></svg>`);
      grow(ax, ay, ax + 64, ay + 24);
    }
    if (callout !== null) {
      const bw = Math.max(24, 10 + 8 * callout.length);
      add(x - bw / 2, y - 12, bw, 24, `background: ${colour}; color: #fff; border-radius: 12px;`
        + 'font: bold 13px/24px system-ui, sans-serif; text-align: center; white-space: nowrap;');
      root.lastChild.textContent = callout;
      grow(x - bw / 2, y - 12, x + bw / 2, y + 12);
    }
    drawn.push([element, [ext[0], ext[1], ext[2] - ext[0], ext[3] - ext[1]]]);
  });

  return {
    hidden: null,
    document: [docW, docH],
    viewport: [scrollX, scrollY, innerWidth, innerHeight],
    target: target ? onPage(target) : null,
    highlights: drawn,
    masks,
    scale: devicePixelRatio,
  };
}
