// What each element shows a person: a field's value, else its text.
(elements) => elements.map((el) =>
  ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) ? el.value : el.innerText || el.textContent || '')
