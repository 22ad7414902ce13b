"""Headless Chromium (Debian's) driven by Playwright, with every request that leaves the served book blocked."""

from __future__ import annotations

import functools
import http.server
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output readable
        pass


@contextmanager
def serve(directory: Path):
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Visit:
    url: str
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


@contextmanager
def offline_browser(base: str, *, device: dict | None = None, dark: bool = False):
    """Yield a function that opens a page with the network cut outside `base`, recording what it tried.

    `base` is a served book (http://127.0.0.1:…/) or one on disk (file:///…/html/); `device` is DESKTOP or
    PHONE (Playwright context options); `dark` opens every page in the theme's dark mode.
    """
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(**(device or DESKTOP))
        if dark:
            # pydata-sphinx-theme reads the reader's choice from localStorage before it paints
            context.add_init_script("localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark');")
        current: list[Visit] = []

        def route(r):
            if r.request.url.startswith(base) or r.request.url.startswith("data:") or r.request.url.startswith("blob:"):
                r.continue_()
            else:
                current[-1].blocked.append(r.request.url)
                r.abort()

        context.route("**/*", route)

        def open_page(path: str):
            visit = Visit(base + path)
            current.append(visit)
            page = context.new_page()
            page.on("console", lambda m: m.type == "error" and visit.errors.append(f"console: {m.text}"))
            page.on("pageerror", lambda e: visit.errors.append(f"page error: {e}"))
            page.on("response", lambda r: r.status >= 400 and visit.errors.append(f"HTTP {r.status} {r.url}"))
            page.goto(visit.url, wait_until="load")
            return page, visit

        try:
            yield open_page
        finally:
            context.close()
            browser.close()
