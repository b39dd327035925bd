"""The HTTP API served on loopback in this process, in front of the suite's services started by
`start_services` (tests/conftest.py): every request crosses a real socket and a real broker."""

import pytest
import requests

from tests import support


@pytest.fixture
def http_api(start_services, suite_settings):
    """`http_api(**settings)` serves the API on a free loopback port; returns its base URL."""
    from coop_web.server import spawn

    servers = []

    def serve(**settings):
        port = support.free_port()
        config = dict(suite_settings, COOP_HTTP_HOST="127.0.0.1", COOP_HTTP_PORT=str(port), **settings)
        thread, sock = spawn(config)
        servers.append((thread, sock))
        base = f"http://127.0.0.1:{port}"
        support.wait_for(lambda: _answers(base), timeout=10, message="the HTTP API to listen")
        return base

    yield serve
    for thread, sock in servers:
        thread.kill()
        sock.close()


def _answers(base: str) -> bool:
    try:
        requests.get(f"{base}/api/v1/openapi.json", timeout=2)
        return True
    except requests.ConnectionError:
        return False


@pytest.fixture
def suite_api(start_services, http_api):
    """Every service and the HTTP API in front of them."""
    start_services(*support.SERVICES)
    return http_api()


class Client:
    """requests with a base URL and a bearer key."""

    def __init__(self, base: str, secret: str | None = None):
        self.base, self.session = base, requests.Session()
        if secret:
            self.session.headers["Authorization"] = f"Bearer {secret}"

    def request(self, verb: str, path: str, **kwargs) -> requests.Response:
        return self.session.request(verb, self.base + "/api/v1" + path, timeout=60, **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)


def ok(response: requests.Response) -> dict:
    assert response.status_code == 200, (response.status_code, response.text)
    return response.json()
