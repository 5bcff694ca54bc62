// Removes what capture_draw.js and capture_tag.js added, after the shot.
() => {
  for (const el of document.querySelectorAll('[data-guidegen-overlay]')) el.remove();
  for (const attr of ['data-guidegen-mask', 'data-guidegen-highlight', 'data-guidegen-target']) {
    for (const el of document.querySelectorAll(`[${attr}]`)) el.removeAttribute(attr);
  }
}
