"""Benchmarks share the tests' real infrastructure (fresh vhost and databases) and eventlet."""

from tests.conftest import amqp_uri, databases, rpc_client, start_services, suite_settings  # noqa: F401
