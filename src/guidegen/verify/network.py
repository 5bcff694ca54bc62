"""What the portals' servers did while a step ran: the failures that make a step's verdict an
error (the target is down), never drift (the guide is out of date).

A click that posts a form, follows a link or makes the page fetch something can meet an HTTP
500 or a dropped connection just as a `goto` can; the page then shows an error page, or
nothing changes, and the next control "is missing". Watching every request of the browser
context tells the two apart: a step that fails after a request of its own failed is an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Request, Response

# Chromium's word for a request the page itself gave up (a navigation that replaced another,
# a fetch aborted by its script): nothing the server did.
ABORTED = "net::ERR_ABORTED"


# What a page loads that a step depends on. Images, fonts, beacons and the like can fail on a
# live portal (telemetry, a CDN) without the step being any the worse for it.
COUNTED = {"document", "xhr", "fetch", "script", "stylesheet"}


@dataclass(frozen=True)
class Failure:
    url: str
    what: str          # "HTTP 500" or Chromium's error text
    navigation: bool   # the request of a page (a link, a form post, a goto)
    kind: str = "document"  # Playwright's resource type

    def describe(self) -> str:
        parts = urlsplit(self.url)
        what = " (a page)" if self.navigation else f" (a {self.kind} of the page)"
        return f"{self.what} from {parts.path or '/'}{what}"


class NetworkWatch:
    """Every failed request of one browser context, in order, and the pages still loading."""

    def __init__(self, context: BrowserContext) -> None:
        self.failures: list[Failure] = []
        self.recovered: set[int] = set()  # failures a retry got past
        self.loading: dict[Request, str] = {}  # page requests sent and not yet answered
        # Playwright sends only the events a listener asks for, each across the driver's pipe
        # and into a Python object. Not "requestfinished": every request that finishes had
        # its response first, which already ends its loading.
        context.on("request", self._request)
        context.on("response", self._response)
        context.on("requestfailed", self._failed)

    def mark(self) -> int:
        return len(self.failures)

    def since(self, mark: int) -> list[Failure]:
        """The failures after `mark` that no retry got past."""
        return [f for i, f in enumerate(self.failures[mark:], mark) if i not in self.recovered]

    def recover(self, mark: int) -> None:
        """A retry succeeded: the failures after `mark` say nothing about the step."""
        self.recovered.update(range(mark, len(self.failures)))

    def still_loading(self) -> list[str]:
        return list(self.loading.values())

    def _request(self, request: Request) -> None:
        if _is_page(request):
            self.loading[request] = request.url

    def _response(self, response: Response) -> None:
        request = response.request
        self.loading.pop(request, None)
        if response.status >= 500 and request.resource_type in COUNTED:
            self.failures.append(Failure(response.url, f"HTTP {response.status}",
                                         _is_page(request), request.resource_type))

    def _failed(self, request: Request) -> None:
        self.loading.pop(request, None)
        error = request.failure or "failed"
        if ABORTED not in error and request.resource_type in COUNTED:
            self.failures.append(Failure(request.url, error, _is_page(request),
                                         request.resource_type))


def _is_page(request: Request) -> bool:
    try:
        return request.is_navigation_request() and request.frame.parent_frame is None
    except Exception:  # a request of a frame already gone: not one the step waits on
        return False
