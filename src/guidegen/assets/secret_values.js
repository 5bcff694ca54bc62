// What each element given shows a person: a field's value, else its text. Run by
// verify/actions.py with Playwright's evaluate_all on the elements that show secrets
// (secret_fields.js, and the declared fields its Playwright locators found).
(elements) => elements.map((el) =>
  ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) ? el.value : el.innerText || el.textContent || '')
