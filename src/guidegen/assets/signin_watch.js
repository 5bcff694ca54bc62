// Marks the sign-in page's document so that signin_changed.js can tell when it changes: a
// mutation of its DOM (a field revealed, an error shown, a class switched), another address
// (a single-page app's history.pushState), or another document in its place (a navigation:
// the new one has no mark). Run by signin.py.
() => {
  const mark = {changed: false, href: location.href};
  new MutationObserver(() => { mark.changed = true; }).observe(document, {
    subtree: true, childList: true, attributes: true, characterData: true});
  window.__guidegenSignIn = mark;
}
