// Whether the page marked by signin_watch.js has changed since: a DOM mutation, another
// address, or another document. Run by signin.py with Playwright's wait_for_function, which
// evaluates it on every animation frame, and again in the new document after a navigation.
() => {
  const mark = window.__guidegenSignIn;
  return !mark || mark.changed || mark.href !== location.href;
}
