"""`guidegen serve` previews every language the switch links to: /de/ is the German site,
rebuilt with the English one, and a broken translation shows there too."""

from __future__ import annotations

import html
import time

from tests.site.conftest import copy_project
from tests.site.test_serve_browser import get, serving

GUIDE = "zenkit-scim-token-rotation"


def eventually(condition, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


def test_the_preview_serves_the_german_site_and_rebuilds_it(tmp_path):
    (tmp_path / "project").mkdir()
    layout = copy_project(tmp_path / "project")
    translation = layout.steps / f"translations/de/{GUIDE}.yml"
    good = translation.read_text("utf-8")
    with serving(layout.root, tmp_path / "serve.log") as url:
        page = get(f"{url}/de/guides/{GUIDE}/")
        assert '<html lang="de"' in page and "Anwendbare Pläne" in page
        assert '<html lang="en"' in get(f"{url}/guides/{GUIDE}/")

        translation.write_text(good + "actions: []\n", "utf-8")
        assert eventually(lambda: "unknown key 'actions'" in html.unescape(
            get(f"{url}/de/guides/{GUIDE}/")))
        translation.write_text(good, "utf-8")
        assert eventually(lambda: "Anwendbare Pläne" in get(f"{url}/de/guides/{GUIDE}/"))
