"""`guidegen serve`: the live preview, fast on a save, and showing a broken build in the browser.

A save rebuilds only what it changed (guidegen/preview.py): the step files are loaded through
a content cache (only the saved file is read and checked again), and each language's site
renders only the pages whose Markdown changed (every page, into the theme only, when a
title changed). The result is byte for byte what a full build gives.

MkDocs' own `serve` keeps answering with the last good site after a failed rebuild, and
holds every new request until a build succeeds: the writer sees nothing and the browser
waits. Here a failed build turns every page of the site into the error page and counts as
done, so requests are answered at once and open pages reload, to the error and, after the
next good save, back to the site (the save after a failure is a full build).
"""

from __future__ import annotations

import html
import logging
import os
import posixpath
import shutil
import signal
import tempfile
import threading
import time
from importlib.resources import files
from pathlib import Path
from string import Template

from .build import disk_cache
from .errors import GuideError
from .load import load_catalog
from .preview import FULL, LanguageSite
from .project import Layout

log = logging.getLogger("mkdocs.guidegen.serve")

PENDING_BATCH = 1  # pages rendered behind a build per turn of the lock (a save waits for one)
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
        self.cache = disk_cache(layout)  # the preview's start reads what build left too
        self.sites = [LanguageSite(layout, None, site, url)]
        self.locales: list[str] = []
        self.done: list[str] = []  # what the last build did, per language (for the log)
        # Builds, the pending pages rendered behind them and the pages requests want now
        # all use the sites' MkDocs objects: one at a time.
        self.lock = threading.RLock()
        self.worker: threading.Thread | None = None
        self.stopping = threading.Event()
        self.behind = True  # render what is pending behind the build (False: only on request)

    def config(self, locale: str | None = None):
        from mkdocs.config import load_config

        config = load_config(str(self.layout.mkdocs_yml_in(locale)), site_dir=str(self.site))
        config.site_url = self.url + (f"{locale}/" if locale else "")
        return config

    def add_locales(self, locales: list[str]) -> None:
        self.locales = locales
        self.sites += [LanguageSite(self.layout, loc, self.site / loc, f"{self.url}{loc}/")
                       for loc in locales]

    def __call__(self) -> None:
        from mkdocs.exceptions import Abort, MkDocsException

        self.pause()
        problems = _Problems()
        logger = logging.getLogger("mkdocs")
        logger.addHandler(problems)
        start = time.monotonic()
        try:
            with self.lock:
                catalog = load_catalog(self.layout.steps, self.layout.root, self.cache)
                self.done = done = []
                for site in self.sites:
                    done.append(site.build(catalog, self.cache))
                    if done[-1] == FULL and site is self.sites[0]:
                        # The source's full build empties site/, which holds the others'.
                        for other in self.sites[1:]:
                            other.fresh = False
        except GuideError as err:
            self.failed(str(err).splitlines() + [
                "Fix the files above (`guidegen check` lists the step files' problems)."])
        except (MkDocsException, Abort) as err:
            # Abort's own text ("Aborted with a BuildError!") says less than what was logged.
            self.failed(problems.lines or [str(err)])
        else:
            log.info("Preview updated in %.2f s: %s.", time.monotonic() - start,
                     "; ".join(f"{loc or 'source'}: {d}" for loc, d in
                               zip([None, *self.locales], done, strict=True)))
            self.resume()
        finally:
            logger.removeHandler(problems)

    def failed(self, problems: list[str]) -> None:
        with self.lock:
            for site in self.sites:
                site.forget()  # the error page is over their pages: build them in full
            show_error(self.site, problems)
        log.error("The preview shows the problems above until the next good save.")

    def ensure(self, path: str) -> None:
        """Before a request reads `path` from the site: render it now if it is pending."""
        with self.lock:
            for site in self.sites:
                site.ensure(path)

    def settle(self) -> None:
        """Render everything pending now (tests compare the site with a full build)."""
        self.pause()
        with self.lock:
            for site in self.sites:
                site.render_pending()

    def pause(self) -> None:
        if self.worker is not None:
            self.stopping.set()
            self.worker.join()
            self.worker = None

    def resume(self) -> None:
        if not self.behind:
            return
        self.stopping.clear()
        self.worker = threading.Thread(target=self._render_pending, daemon=True,
                                       name="guidegen-preview-pending")
        self.worker.start()

    def _render_pending(self) -> None:
        """Behind the build: the pending pages, a few at a time so that a request (or the
        next save) waits for one small batch at most."""
        try:
            for site in self.sites:
                while not self.stopping.is_set():
                    with self.lock:
                        if not site.render_pending(limit=PENDING_BATCH):
                            break
        except Exception:  # a page the theme cannot render: shown when it is requested
            log.exception("Rendering the pending pages failed")


def _server(builder: Builder, **kwargs):
    """MkDocs' live-reload server, asking the builder for each file it is about to serve."""
    from mkdocs.livereload import LiveReloadServer

    class Server(LiveReloadServer):
        def _serve_request(self, environ, start_response):
            path = environ["PATH_INFO"].encode("latin-1").decode("utf-8", "ignore")
            if (path + "/").startswith(self.mount_path):
                rel = path[len(self.mount_path):] + ("index.html" if path.endswith("/") else "")
                # Normalised as MkDocs does below: no way out of the site folder.
                rel = posixpath.normpath("/" + rel).lstrip("/")
                builder.ensure(os.path.join(self.root, rel))
            return super()._serve_request(environ, start_response)

    return Server(builder=builder, **kwargs)


def serve(layout: Layout, host: str, port: int) -> None:
    """Serve the site with live reload until interrupted; rebuild on every save."""
    url = f"http://{host}:{port}/"
    signal.signal(signal.SIGTERM, _interrupt)  # a terminated preview still removes its folder
    work = Path(tempfile.mkdtemp(prefix="guidegen-serve-"))
    site = work / "site"
    site.mkdir()
    builder = Builder(layout, site, url)
    try:
        config = builder.config()  # for the plugins' start, serve and end events
        builder.add_locales(translations(layout, config))
        server = _server(builder, host=host, port=port, root=str(site))
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
        builder.pause()
        shutil.rmtree(work, ignore_errors=True)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _page(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None
