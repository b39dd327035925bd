"""Test fixtures. eventlet patches the standard library before anything opens a socket, as
`nameko run` does (docs/nameko-delivery.md)."""

import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()

import pytest  # noqa: E402

from tests import support  # noqa: E402


@pytest.fixture
def amqp_uri():
    with support.fresh_vhost() as uri:
        yield uri


@pytest.fixture
def databases():
    with support.fresh_databases() as urls:
        yield urls


@pytest.fixture
def suite_settings(amqp_uri, databases, tmp_path):
    """Settings of a suite on its own vhost and databases, with quick retries for tests."""
    return {
        "AMQP_URI": amqp_uri,
        **databases,
        "COOP_PLATFORM_KEY": support.PLATFORM_KEY,
        "COOP_SERVICE_KEY": support.SERVICE_KEY,
        "COOP_DATA_DIR": str(tmp_path),
        "COOP_EVENT_RETRY_DELAYS": "0.2,0.4",
        "COOP_OUTBOX_POLL_SECONDS": "0.2",
        "COOP_CREDENTIAL_CACHE_SECONDS": "30",
    }


@pytest.fixture
def start_services(suite_settings):
    """Start services in this process (migrated, topology declared); stopped after the test."""
    from coop_cli import suite

    runners = []

    def start(*names, settings=None):
        runner = support.run_in_process(suite.nameko_config(dict(suite_settings, **(settings or {}))), names)
        runners.append(runner)
        return runner

    yield start
    for runner in runners:
        runner.kill()


@pytest.fixture
def rpc_client(suite_settings):
    """`rpc_client(secret)` is a ClusterRpcProxy carrying that credential, as an integrator's."""
    from coop_shared.client import connect as client_connect

    proxies = []

    def connect(secret=None, timeout=10):
        proxy = client_connect(suite_settings["AMQP_URI"], secret, timeout=timeout)
        proxies.append(proxy)
        return proxy.start()

    yield connect
    for proxy in proxies:
        proxy.stop()


def pytest_collection_modifyitems(config, items):
    """`make test` runs the suite in shards side by side (tests/run_shards.py, tests/shards.py)."""
    from tests import shards

    shards.keep_shard(items, config)
