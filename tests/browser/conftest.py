"""The browser harness: the console and the portal in Debian's Chromium driven by Playwright
(sync API), against the whole suite running in this process on loopback, holding the demo's
world (`coop demo` builds exactly the same data). docs/browser-tests.md says how it runs.

Run them: `.venv/bin/python -m pytest -m browser tests/browser` (they also run in `make test`).
Each test module marks itself `pytestmark = pytest.mark.browser`. Chromium is
/usr/bin/chromium (`apt-get install chromium`), or the file named by `COOP_CHROMIUM`; never a
downloaded browser. Without it the tests FAIL (they do not skip). The browser talks to
127.0.0.1 only.

Fixtures
--------
`demo_world` (session scope; built once, about 30 s, shared by every browser test):
    a fresh RabbitMQ vhost and PostgreSQL databases, an SMTP receiver on loopback
    (tests/receivers.py), the five services and the web server (console, portal, API) in this
    process on a free loopback port with `COOP_WEB_COOKIE_SECURE=false`, then the demo's own
    builder `coop_cli.demo.build(...)`: Dies and BRUCOOP, their members, customers, issued
    invoices (Peppol over `loopback` and e-mail), a CODA statement (one payment of 75.00 from
    "A. Martin" left unmatched per cooperative), this month's closed payroll, BRUCOOP's
    accompaniment programme, and four logins. Attributes:
    - `.base_url`: "http://127.0.0.1:<port>" (no trailing slash);
    - `.logins`: dict "dies_staff", "brucoop_staff", "dies_member", "brucoop_member" → a
      `Login` with `.email`, `.password`, `.totp_secret` (None for members), `.cooperative`
      ("dies" | "brucoop"), `.role` ("admin" for the staff logins, "member" for the
      entrepreneurs), `.member_id` (None for staff). Dies's entrepreneur is Amina Diallo
      (activity "Vélo-livraisons", two paid invoices, a payslip); BRUCOOP's is Lena De Smet
      (activity "Conseil en mobilité", three invoices, a payslip). All four accounts' language
      is English, so pages come in English unless a test switches (`?lang=fr|nl`, remembered
      in that browser context only);
    - `.admin_keys`: {"dies": secret, "brucoop": secret}, each cooperative's admin API key;
    - `.rpc(slug)`: a context manager giving a client proxy with that admin key, to arrange or
      check data: `with demo_world.rpc("dies") as rpc: rpc.billing.list_invoices({})`;
      `demo_world.rpc(None)` is a proxy without credential (public methods);
    - `.mail`: the SMTP receiver; `.mail.folder` (a Path of .eml files) and
      `.mail.messages(to=None, subject=None)` → list of email.message.EmailMessage;
    - `.world`: the dict build() returned ("keys", "activities" {(slug, first name): (member,
      activity)}, "customers" {slug: [customer, ...]}, "period" "YYYY-MM", "logins", ...);
    - `.member(slug, first_name)` → (member dict, activity dict) of the demo's people;
    - `.settings`: the suite's settings (AMQP_URI, *_DATABASE_URL, ...).
    The world is shared: a test that changes data (issues an invoice, closes a run) must not
    assume it is alone; make your own records (a new member, a new draft) when you can.

`browser` (session scope): the Playwright Chromium browser (headless, `--no-sandbox`).

`page` (function scope): a new browser context and page; viewport 1280×900, locale en-GB,
    `base_url` = demo_world.base_url (so `page.goto("/console")` works), default timeout 15 s,
    downloads accepted. It records console messages of type "error", uncaught page errors
    (`pageerror`), failed requests (`requestfailed`) and responses with status >= 400; at
    teardown the test FAILS listing them, except those allowed with `allow_failures`.

`phone_page` (function scope): the same with a phone's viewport, 375×812 (touch, mobile).

Helpers (import them: `from tests.browser.conftest import sign_in, shot, allow_failures`)
-------
`sign_in(page, world, "dies_staff", fresh=False)`: signed in as that login, on its landing
    page: /console for staff, /portal for an entrepreneur (returns the Login). The first time
    (or with `fresh=True`) it fills /sign-in (e-mail, password) and, for a login with a TOTP
    secret, answers /second-factor with `pyotp` (a code of a time step not used before: it waits
    for the next 30-s step when it must). Later calls reuse that login's session cookie in the
    new context (fast; a second factor per test would cost up to 30 s), falling back to the
    form when the session has ended (e.g. a test signed out).
`allow_failures(page, "/console/members/", 404)`: responses of that status whose path starts
    with that prefix (and the browser's console error for them) do not fail the test.
`shot(page, tmp_path_or_request, "name")`: a full-page screenshot `<tmp_path>/<name>.png`;
    returns its Path. Pass the test's `tmp_path` (or its `request`). `publish=True` also copies
    it into `$COOP_SCREENSHOTS_DIR` when that is set (`make screenshots`).

Under eventlet (tests/conftest.py patches this process), Playwright's pipes to its driver get
the original os.read/os.write (_pipes_that_do_not_wait_in_eventlet), and the session ends
without Playwright's stop (it would wait for ever); nothing else changes for a test.

HARNESS READY
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import shutil
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
import requests

from tests import support


def _pipes_that_do_not_wait_in_eventlet() -> None:
    """Playwright's sync API talks to its driver over pipes through asyncio, in this process
    whose `os.read`/`os.write` eventlet has made green (tests/conftest.py). A full pipe then makes
    green `os.write` wait in eventlet's hub, inside the greenlet of an event listener, instead of
    raising BlockingIOError for asyncio to buffer: nothing reads the driver's answers any more and
    both sides wait for ever (seen on a form whose answer takes half a second). asyncio's pipe
    transports get the original read and write (non-blocking: asyncio buffers and waits for the
    pipe in its selector, which stays eventlet's, so the suite in this process keeps running);
    everything else of `os` stays as eventlet made it."""
    import asyncio.unix_events
    import types

    from eventlet import patcher

    original = patcher.original("os")

    class _Os(types.ModuleType):
        def __getattr__(self, name):
            return getattr(os, name)

    shim = _Os("os")
    shim.read, shim.write = original.read, original.write
    asyncio.unix_events.os = shim


_pipes_that_do_not_wait_in_eventlet()
CHROMIUM = os.environ.get("COOP_CHROMIUM", "/usr/bin/chromium")
VIEWPORT = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
TIMEOUT_MS = 15_000
TOTP_STEP = 30  # seconds (RFC 6238; members' second factor)


@dataclass
class Login:
    email: str
    password: str
    totp_secret: str | None
    cooperative: str
    role: str
    member_id: str | None
    totp_last_step: int | None = None  # the last time step whose code was used (never reused)


@dataclass
class Mail:
    """The SMTP receiver's folder of .eml files."""

    folder: Path

    def messages(self, to: str | None = None, subject: str | None = None) -> list:
        found = [
            email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
            for p in support.received(self.folder, ".eml")
        ]
        return [m for m in found if to in (None, m["To"]) and subject in (None, m["Subject"])]


@dataclass
class DemoWorld:
    base_url: str
    logins: dict
    admin_keys: dict
    mail: Mail
    world: dict
    settings: dict
    sessions: dict = field(default_factory=dict)  # login name → its session cookie (sign_in)

    @contextmanager
    def rpc(self, slug: str | None):
        from coop_shared.client import connect

        secret = self.admin_keys[slug] if slug else None
        with connect(self.settings["AMQP_URI"], secret, timeout=60) as proxy:
            yield proxy

    def member(self, slug: str, first_name: str) -> tuple[dict, dict]:
        return self.world["activities"][(slug, first_name)]


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.ConnectionError:
        return False


@pytest.fixture(scope="session")
def demo_world(tmp_path_factory):
    from coop_web.server import spawn

    from coop_cli import demo, suite
    from coop_shared.dates import brussels_today

    folder = tmp_path_factory.mktemp("demo-world")
    with ExitStack() as stack:
        env = stack.enter_context(pytest.MonkeyPatch.context())
        env.setenv("COOP_DATA_DIR", str(folder / "var"))  # the demo keeps its keys and logins there
        amqp_uri = stack.enter_context(support.fresh_vhost())
        databases = stack.enter_context(support.fresh_databases())
        smtp_port, web_port = support.free_port(), support.free_port()
        smtp = support.start_receiver("smtp", smtp_port, folder / "mail", folder / "smtp.log")
        stack.callback(support.stop_process, smtp, 5)
        base_url = f"http://127.0.0.1:{web_port}"
        settings = {
            "AMQP_URI": amqp_uri,
            **databases,
            "COOP_PLATFORM_KEY": support.PLATFORM_KEY,
            "COOP_SERVICE_KEY": support.SERVICE_KEY,
            "COOP_DATA_DIR": str(folder / "var"),
            "COOP_EVENT_RETRY_DELAYS": "0.2,0.4",
            "COOP_OUTBOX_POLL_SECONDS": "0.2",
            "COOP_CREDENTIAL_CACHE_SECONDS": "30",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp_port),
            "COOP_MAIL_FROM": "no-reply@demo.coop.example",
            "COOP_DELIVERY_POLL_SECONDS": "0.2",
            "COOP_DELIVERY_RETRY_DELAYS": "0.5,1,2",
            "COOP_PUBLIC_URL": base_url,
            "COOP_HTTP_HOST": "127.0.0.1",
            "COOP_HTTP_PORT": str(web_port),
            "COOP_WEB_COOKIE_SECURE": "false",
            # every test's pages share a few sessions: the per-key limit is not what is tested here
            "COOP_HTTP_RATE_LIMIT": "6000 per minute",
            "COOP_HTTP_ADDRESS_RATE_LIMIT": "24000 per minute",
        }
        config = suite.nameko_config(settings)
        runner = support.run_in_process(config, support.SERVICES)
        stack.callback(runner.kill)
        thread, sock = spawn(config)
        stack.callback(sock.close)
        stack.callback(thread.kill)
        support.wait_for(lambda: _answers(base_url + "/sign-in"), timeout=20, message="the web server")

        from coop_shared.client import connect as client_connect

        def connect(secret):
            return client_connect(amqp_uri, secret, timeout=60)

        def progress(message):
            print(f"demo world: {message}", flush=True)

        built = demo.build(connect, support.PLATFORM_KEY, brussels_today(), progress, mail=folder / "mail")
        logins = {
            name: Login(
                email=record["email"],
                password=record["password"],
                totp_secret=record.get("totp_secret"),
                cooperative=record["cooperative"],
                role=record["role"],
                member_id=record.get("member_id"),
                totp_last_step=record.get("totp_last_step"),
            )
            for name, record in built["logins"].items()
        }
        yield DemoWorld(
            base_url=base_url,
            logins=logins,
            admin_keys=dict(built["keys"]),
            mail=Mail(folder / "mail"),
            world=built,
            settings=settings,
        )


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: apt-get install -y chromium (or set COOP_CHROMIUM)",
            pytrace=False,
        )
    # Not `with sync_playwright()`: under eventlet its exit waits for ever for the driver to end.
    # The driver (a child process reading its stdin) ends with this process instead.
    playwright = sync_playwright().start()
    launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
    try:
        yield launched
    finally:
        launched.close()


class Recorder:
    """What went wrong in a page: console errors, page errors, failed requests, 4xx/5xx answers."""

    def __init__(self):
        self.problems: list[tuple[str, str, int | None, str]] = []  # (kind, url, status, text)
        self.allowed: list[tuple[str, int]] = []

    def listen(self, page) -> None:
        page.on(
            "console",
            lambda m: (
                m.type == "error"
                and self.problems.append(("console error", (m.location or {}).get("url", ""), None, m.text))
            ),
        )
        page.on("pageerror", lambda e: self.problems.append(("page error", page.url, None, str(e))))
        page.on("requestfailed", self._failed)
        page.on(
            "response",
            lambda r: r.status >= 400 and self.problems.append(("response", r.url, r.status, r.status_text)),
        )

    def _failed(self, request) -> None:
        failure = request.failure or ""
        if "ERR_ABORTED" in failure and request.is_navigation_request():
            return  # a navigation that became a download (an attachment): not a failure
        self.problems.append(("request failed", request.url, None, failure))

    def _is_allowed(self, kind: str, url: str, status: int | None, text: str) -> bool:
        for prefix, allowed_status in self.allowed:
            if kind == "response" and status == allowed_status and urlparse(url).path.startswith(prefix):
                return True
            if (
                kind == "console error"
                and f"status of {allowed_status}" in text
                and urlparse(url).path.startswith(prefix)
            ):
                return True
        return False

    def unexpected(self) -> list[str]:
        return [
            f"{kind}: {url} {status or ''} {text}".strip()
            for kind, url, status, text in self.problems
            if not self._is_allowed(kind, url, status, text)
        ]


_RECORDERS: dict = {}


def allow_failures(page, path_prefix: str, status: int) -> None:
    """Answers of `status` for paths starting with `path_prefix` are expected in this test."""
    _RECORDERS[page].allowed.append((path_prefix, status))


def _new_page(browser, world: DemoWorld, request, **options):
    context = browser.new_context(base_url=world.base_url, locale="en-GB", accept_downloads=True, **options)
    context.set_default_timeout(TIMEOUT_MS)
    opened = context.new_page()
    recorder = Recorder()
    recorder.listen(opened)
    _RECORDERS[opened] = recorder
    return context, opened, recorder


@contextmanager
def _checked_page(browser, world, request, **options):
    context, opened, recorder = _new_page(browser, world, request, **options)
    try:
        yield opened
    finally:
        problems = recorder.unexpected()
        _RECORDERS.pop(opened, None)
        context.close()
        if problems:
            pytest.fail("the browser saw:\n  " + "\n  ".join(problems), pytrace=False)


@pytest.fixture
def page(browser, demo_world, request):
    with _checked_page(browser, demo_world, request, viewport=VIEWPORT) as opened:
        yield opened


@pytest.fixture
def phone_page(browser, demo_world, request):
    with _checked_page(
        browser, demo_world, request, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    ) as opened:
        yield opened


LANDING = re.compile(r"/(console|portal)/?$")


def _landing(login: Login) -> str:
    return "/portal" if login.role == "member" else "/console"


def _code(login: Login) -> str:
    """A TOTP code of a time step later than any used before (members refuses a reused step),
    waiting for the clock when the next one is not yet valid (one step of drift is accepted)."""
    import pyotp

    current = int(time.time() // TOTP_STEP)
    step = current if login.totp_last_step is None else max(current, login.totp_last_step + 1)
    while step > int(time.time() // TOTP_STEP) + 1:
        time.sleep(0.5)
    login.totp_last_step = step
    return pyotp.TOTP(login.totp_secret).generate_otp(step)


def sign_in(page, world: DemoWorld, name: str, *, fresh: bool = False) -> Login:
    """Signed in as `world.logins[name]`, on its landing page (/console or /portal)."""
    login = world.logins[name]
    landing = world.base_url + _landing(login)
    if not fresh and name in world.sessions:
        page.context.add_cookies([world.sessions[name]])
        page.goto("/")
        if urlparse(page.url).path == _landing(login):
            return login
        page.context.clear_cookies()  # the session ended: through the form again
    page.goto("/sign-in")
    page.fill("#email", login.email)
    page.fill("#password", login.password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    if urlparse(page.url).path == "/second-factor":
        for _attempt in range(2):
            page.fill("#code", _code(login))
            page.locator("main form button[type=submit]").click()
            page.wait_for_load_state()
            if urlparse(page.url).path != "/second-factor":
                break
    page.wait_for_url(landing)
    cookie = next(c for c in page.context.cookies() if c["name"] == "coop_session")
    world.sessions[name] = cookie
    return login


def shot(page, where, name: str, *, publish: bool = False) -> Path:
    """A full-page screenshot `<tmp_path>/<name>.png` (`where`: the test's tmp_path or request)."""
    folder = Path(where) if isinstance(where, (str, Path)) else where.getfixturevalue("tmp_path")
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    published = os.environ.get("COOP_SCREENSHOTS_DIR")
    if publish and published:
        Path(published).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, Path(published) / path.name)
    return path
