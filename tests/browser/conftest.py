"""The console in a real browser: the app served on 127.0.0.1, driven by Debian's Chromium through
Playwright, its pages checked with axe-core.

Each test gets its own database (the shared fixtures) and its own server on a free port, whose
address is the app's PUBLIC_URL so webhooks signed for it validate. Each xdist worker starts one
Chromium for its tests; each test gets fresh browser contexts, so no cookie leaks between tests.
"""
from __future__ import annotations

import os
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE_CORE = Path(os.environ.get("AXE_CORE_PATH") or ROOT / "node_modules" / "axe-core" / "axe.min.js")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SIZES = {"phone": {"width": 360, "height": 740}, "laptop": {"width": 1280, "height": 800}}
# Generous for a loaded two-core machine; a passing wait returns as soon as its condition holds.
TIMEOUT_MS = 10_000


def missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    if not AXE_CORE.exists():
        return f"axe-core is missing at {AXE_CORE} (npm ci at the repository root, or set AXE_CORE_PATH)"
    return None


def pytest_collection_modifyitems(config, items):
    reason = missing()
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


class QuietHandler(WSGIRequestHandler):
    """No line per request on stderr: the queue polls every second."""

    def log_request(self, *args, **kwargs) -> None:
        pass


class LiveServer:
    """A threaded werkzeug server on 127.0.0.1 and a free port, bound before the app exists (the
    app's PUBLIC_URL has to name the port)."""

    def __init__(self) -> None:
        self.app = None
        self.server = make_server("127.0.0.1", 0, self._dispatch, threaded=True, request_handler=QuietHandler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread: threading.Thread | None = None

    def _dispatch(self, environ, start_response):
        return self.app(environ, start_response)

    def start(self, app) -> None:
        self.app = app
        self.thread = threading.Thread(target=self.server.serve_forever, name="live-server", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if self.thread is not None:
            self.server.shutdown()
            self.thread.join(timeout=10)
        self.server.server_close()


@pytest.fixture
def live_server():
    server = LiveServer()
    yield server
    server.stop()


@pytest.fixture
def settings(settings, live_server):
    """The shared test settings, served at the live server's address; the queue refreshes every second."""
    return replace(settings, public_url=live_server.url, console_refresh_seconds=1)


@pytest.fixture
def site(app, live_server) -> str:
    """The console's address, once the app answers there."""
    live_server.start(app)
    return live_server.url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser, site):
    """`open_page("phone")` is a new page in a browser context of its own, 360x740 (or "laptop",
    1280x800), with relative URLs on the live server."""
    contexts = []

    def open_one(size: str = "laptop"):
        context = browser.new_context(viewport=SIZES[size], base_url=site, locale="en-US",
                                      timezone_id="America/New_York")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_one
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def fresh_open_records():
    """Each test has a database of its own: figures the open records kept from another test's are not its."""
    from hotline.web import open as open_records

    open_records.cache.clear()
    yield
    open_records.cache.clear()
