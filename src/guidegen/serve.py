"""`guidegen serve`: the live preview, which shows a broken build in the browser.

MkDocs' own `serve` keeps answering with the last good site after a failed rebuild, and
holds every new request until a build succeeds: the writer sees nothing and the browser
waits. Here each build goes into a staging folder; a good one is swapped in, a failed one
turns every page of the last good site into the error page. Either way the build counts as
done, so requests are answered at once and open pages reload, to the error and, after the
next good save, back to the site.
"""

from __future__ import annotations

import html
import logging
import shutil
import signal
import tempfile
from importlib.resources import files
from pathlib import Path
from string import Template

from .build import swap_in
from .project import Layout

log = logging.getLogger("mkdocs.guidegen.serve")

ERROR_PAGE = Template(files("guidegen").joinpath("assets/serve_error.html").read_text("utf-8"))


class _Problems(logging.Handler):
    """What MkDocs logged at WARNING and above during one build: the strict-mode warnings
    and the plugin's `file:line: field: message` lines that a failed build aborts with."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def error_page(problems: list[str]) -> str:
    """The page a failed build shows; every problem is text, whatever a step file holds."""
    return ERROR_PAGE.substitute(problems=html.escape("\n".join(problems)))


def show_error(site: Path, problems: list[str]) -> None:
    """Every page of the last good site (and the home and 404 pages) becomes the error page,
    so the page the writer has open shows it and keeps its live reload."""
    page = error_page(problems)
    pages = set(site.rglob("*.html")) | {site / "index.html", site / "404.html"}
    for path in pages:
        path.write_text(page, encoding="utf-8")


def translations(layout: Layout, config) -> list[str]:
    """The other languages the site's language switch (extra.alternate) links to, each
    with its configuration (mkdocs.de.yml), so the preview serves /de/ as well."""
    own = config.theme.get("language")
    return [alt["lang"] for alt in config.extra.get("alternate") or []
            if alt.get("lang") and alt["lang"] != own
            and layout.mkdocs_yml_in(alt["lang"]).is_file()]


class Builder:
    """Builds the site for the preview server, never raising: a failed build is shown.
    Every language is built, each into its folder of the same site (site/de/)."""

    def __init__(self, layout: Layout, site: Path, url: str) -> None:
        self.layout, self.site, self.url = layout, site, url
        self.locales: list[str] = []

    def config(self, site_dir: Path, locale: str | None = None):
        from mkdocs.config import load_config

        config = load_config(str(self.layout.mkdocs_yml_in(locale)), site_dir=str(site_dir))
        config.site_url = self.url + (f"{locale}/" if locale else "")
        return config

    def __call__(self) -> None:
        from mkdocs.commands.build import build
        from mkdocs.exceptions import Abort, MkDocsException

        problems = _Problems()
        logger = logging.getLogger("mkdocs")
        logger.addHandler(problems)
        stage = Path(tempfile.mkdtemp(prefix="build-", dir=self.site.parent))
        try:
            build(self.config(stage), serve_url=self.url)
            # After the source's: a build empties its site folder, which holds the others'.
            for locale in self.locales:
                build(self.config(stage / locale, locale), serve_url=f"{self.url}{locale}/")
        except (MkDocsException, Abort) as err:
            # Abort's own text ("Aborted with a BuildError!") says less than what was logged.
            shown = problems.lines or [str(err)]
            show_error(self.site, shown)
            log.error("The preview shows the problems above until the next good save.")
            shutil.rmtree(stage, ignore_errors=True)
        else:
            swap_in(stage, self.site)
        finally:
            logger.removeHandler(problems)


def serve(layout: Layout, host: str, port: int) -> None:
    """Serve the site with live reload until interrupted; rebuild on every save."""
    from mkdocs.livereload import LiveReloadServer

    url = f"http://{host}:{port}/"
    signal.signal(signal.SIGTERM, _interrupt)  # a terminated preview still removes its folder
    work = Path(tempfile.mkdtemp(prefix="guidegen-serve-"))
    site = work / "site"
    site.mkdir()
    builder = Builder(layout, site, url)
    try:
        config = builder.config(site)  # for the plugins' start, serve and end events
        builder.locales = translations(layout, config)
        server = LiveReloadServer(builder=builder, host=host, port=port, root=str(site))
        server.error_handler = lambda code: _page(site / "404.html") if code == 404 else None
        config.plugins.on_startup(command="serve", dirty=False)
        try:
            builder()
            for locale in [None, *builder.locales]:
                for path in (layout.docs_in(locale), layout.mkdocs_yml_in(locale)):
                    if path.exists():
                        server.watch(str(path))
            server = config.plugins.on_serve(server, config=config, builder=builder)
            try:
                server.serve()
            except KeyboardInterrupt:
                log.info("Shutting down...")
            finally:
                server.shutdown()
        finally:
            config.plugins.on_shutdown()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _page(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None
