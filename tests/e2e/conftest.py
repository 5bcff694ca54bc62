"""Real Chromium (Debian's, through pytest-playwright) on a pinned context, and a small static
page served from 127.0.0.1 with what screenshots must cope with: a secret field, a region
below the fold, one taller than the viewport, and running animations."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers import serve_directory

CANARY = "CANARY-5f3a9"

# Sizes are whole pixels so tests can state exact image sizes.
FORM_PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Provisioning</title>
<style>
  body {{ margin: 0; font: 16px/1.4 sans-serif; }}
  header {{ height: 48px; background: #0f6cbd; color: #fff; padding: 0 16px; }}
  main {{ padding: 24px 40px; }}
  form {{ display: grid; grid-template-columns: 160px 320px; gap: 12px 16px; width: 520px;
          padding: 16px; border: 1px solid #ccc; }}
  input {{ height: 32px; box-sizing: border-box; font: inherit; }}
  button {{ width: 160px; height: 32px; transition: background-color 3s; }}
  #status {{ width: 520px; height: 60px; margin-top: 16px; overflow: hidden; }}
  .pulse {{ width: 200px; height: 16px; background: #0f6cbd; animation: slide 1s linear infinite; }}
  @keyframes slide {{ from {{ transform: translateX(0); }} to {{ transform: translateX(300px); }} }}
  #mappings {{ position: absolute; top: 700px; left: 40px; width: 600px; height: 300px;
               background: #eef; }}
  #audit {{ position: absolute; top: 1100px; left: 40px; width: 600px; height: 1100px;
            background: #efe; border-bottom: 6px solid #c00; box-sizing: border-box; }}
</style></head>
<body>
<header>Portal</header>
<main>
  <h1>Provisioning</h1>
  <form aria-label="Admin Credentials">
    <label for="url">Tenant URL</label><input id="url" value="https://example.test/scim/v2">
    <label for="tok">Secret Token</label><input id="tok" type="password" value="{CANARY}">
    <label for="preview">Token preview</label><input id="preview" value="{CANARY}">
    <span></span><button type="button">Test Connection</button>
  </form>
  <section id="status" aria-label="Status"><p>Checking connection…</p><div class="pulse"></div></section>
  <section id="mappings" aria-label="Mappings"><h2>Mappings</h2></section>
  <section id="audit" aria-label="Audit log"><h2>Audit log</h2></section>
</main>
</body></html>
"""


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Iterator[str]:
    """Base URL of a static site on a free loopback port."""
    root = tmp_path_factory.mktemp("site")
    (root / "form.html").write_text(FORM_PAGE, encoding="utf-8")
    with serve_directory(root) as url:
        yield url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 1280, "height": 800},
        "device_scale_factor": 1,
        "locale": "en-US",
        "reduced_motion": "reduce",
    }
