"""Playwright's driver and Chromium, started while the rest of a verify run's Python loads.

Starting the driver and the browser takes about half a second in which the Python process
only waits for other processes; importing pytest, the plugin and what they use, and starting
the simulators, takes about as long again in Python. `guidegen verify` (one worker, a browser
of its own) overlaps the two: the run's modules are imported and the simulators started in a
thread, while the main thread, where Playwright's synchronous API must live, starts the driver
and launches Chromium with the fixtures' options. The fixtures then take what was started
(browser_fixtures.py, pytest_plugin.py); it is all stopped here, after pytest, as they would
have stopped it. This module imports no pytest: that is the thread's work.
"""

from __future__ import annotations

import contextlib
import importlib
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass

from playwright.sync_api import Browser, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from ..browser import Unavailable, launch_options, why_not_launched


@dataclass(eq=False)  # a plugin: pytest keeps its plugins by identity
class Started:
    """Handed to pytest as a plugin (`pytest.main(plugins=...)`), where the fixtures find it."""

    playwright: Playwright
    browser: Browser | Unavailable
    simulators: Future | None  # when the run drives them: their start, or why it failed


def own_browser(values: dict) -> bool:
    """Whether the run launches its browser in this process (verify's option values): not
    with xdist's workers, which launch their own, nor with a browser server's."""
    return values["workers"] in ("0", "") and not values["browser_endpoint"]


@contextlib.contextmanager
def browser_first(modules: tuple[str, ...], *, own_browser: bool,
                  simulators: dict | None = None) -> Iterator[Started | None]:
    """Import `modules`, and start the simulators with the arguments `simulators` (None: the
    run drives none), in a thread while Playwright starts and Chromium launches. Without a
    browser of its own to launch, the modules are imported and nothing else: None."""
    if not own_browser:
        for name in modules:
            importlib.import_module(name)
        yield None
        return
    failed: list[BaseException] = []
    starting: Future | None = Future() if simulators is not None else None

    def load() -> None:
        try:
            for name in modules:
                importlib.import_module(name)
        except BaseException as error:  # raised again in the main thread, where it belongs
            failed.append(error)
            return
        if starting is not None:
            try:
                from portalsim import start_simulators

                starting.set_result(start_simulators(**simulators))
            except BaseException as error:  # the first step's fixture raises it, as before
                starting.set_exception(error)

    loading = threading.Thread(target=load, name="verify-imports", daemon=True)
    loading.start()
    playwright = sync_playwright().start()
    browser: Browser | Unavailable | None = None
    try:
        try:
            browser = playwright.chromium.launch(**launch_options())
        except PlaywrightError as error:  # each guide's first step says why, as before
            browser = Unavailable(why_not_launched(error, None))
        loading.join()
        if failed:
            raise failed[0]
        yield Started(playwright, browser, starting)
    finally:
        loading.join()
        if starting is not None and starting.done() and starting.exception() is None:
            starting.result().stop()  # again, harmlessly, when the run's fixture did
        if isinstance(browser, Browser):
            with contextlib.suppress(PlaywrightError):  # a browser that crashed is gone
                browser.close()
        playwright.stop()
