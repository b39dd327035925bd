"""`coop serve web`: the WSGI application under eventlet's server (docs/adr/023-http-api.md).

eventlet's server runs each request in a green thread from a bounded pool, the same hub as the
RPC proxies, so a request waiting on the bus costs a green thread, not an OS thread. The caller
has monkey-patched the standard library already (`coop_cli.main`).
"""

from __future__ import annotations

import logging

import eventlet
import eventlet.wsgi

from coop_web.service import create_app
from coop_web.settings import WebSettings

log = logging.getLogger("coop.web")
MAX_CONCURRENT_REQUESTS = 200  # green threads; RPC calls beyond the pool's size wait their turn


def listen(config=None):
    settings = WebSettings.load(config)
    return eventlet.listen((settings.host, settings.port))


def serve(config=None, sock=None) -> None:
    """Serve until the process stops (or the green thread running this is killed)."""
    sock = sock or listen(config)
    app = create_app(config)
    host, port = sock.getsockname()[:2]
    log.info("HTTP API on http://%s:%s/api/v1 (OpenAPI at /api/v1/openapi.json)", host, port)
    try:
        eventlet.wsgi.server(
            sock,
            app,
            custom_pool=eventlet.GreenPool(MAX_CONCURRENT_REQUESTS),
            # eventlet's access log writes the query string, which may hold personal data (a
            # national number searched for, docs/adr/017): the application logs each request
            # without it instead (coop_web.service).
            log_output=False,
        )
    finally:
        app.extensions["coop_rpc"].close()


def spawn(config=None, sock=None):
    """`serve` in a green thread beside the nameko services of the same process (`coop run`)."""
    sock = sock or listen(config)
    return eventlet.spawn(serve, config, sock), sock
