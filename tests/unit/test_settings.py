from coop_shared.settings import Settings


def test_defaults_follow_the_architecture_brief(tmp_path, monkeypatch):
    for name in ("AMQP_URI", "COOP_PLATFORM_KEY", "MEMBERS_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COOP_DATA_DIR", str(tmp_path / "var"))
    settings = Settings.load("members")
    assert settings.amqp_uri == "amqp://guest:guest@localhost:5672/"
    assert settings.database_url == f"sqlite:///{tmp_path / 'var' / 'members.db'}"
    assert settings.platform_key is None
    assert settings.event_retry_delays == (1.0, 5.0, 30.0, 120.0, 600.0)


def test_config_wins_over_environment(monkeypatch):
    monkeypatch.setenv("BILLING_DATABASE_URL", "postgresql://env/billing")
    assert Settings.load("billing").database_url == "postgresql://env/billing"
    assert (
        Settings.load("billing", {"BILLING_DATABASE_URL": "postgresql://cfg/b"}).database_url
        == "postgresql://cfg/b"
    )


def test_the_service_key_is_a_secret_of_its_own_never_derived_from_the_platform_key(monkeypatch):
    for name in ("COOP_SERVICE_KEY", "COOP_PLATFORM_KEY", "COOP_SERVICE_KEY_PREVIOUS"):
        monkeypatch.delenv(name, raising=False)
    assert Settings.load("notifications").service_key is None
    assert Settings.load("notifications", {"COOP_PLATFORM_KEY": "p"}).service_key is None
    rotating = Settings.load("billing", {"COOP_SERVICE_KEY": "s2", "COOP_SERVICE_KEY_PREVIOUS": "s1"})
    assert (rotating.service_key, rotating.previous_service_key) == ("s2", "s1")


def test_tls_options_of_the_broker_connections(monkeypatch):
    import ssl

    for name in ("AMQP_URI", "COOP_AMQP_SSL_CA_FILE", "COOP_AMQP_SSL_CERT_FILE", "COOP_AMQP_SSL_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    assert Settings.load("billing").amqp_ssl is None  # plain amqp:// on a developer's machine
    tls = Settings.load(
        "billing",
        {
            "AMQP_URI": "amqps://coop-billing:pw@rabbitmq:5671/coop",
            "COOP_AMQP_SSL_CA_FILE": "/etc/coop/tls/ca.pem",
            "COOP_AMQP_SSL_CERT_FILE": "/etc/coop/tls/billing.pem",
            "COOP_AMQP_SSL_KEY_FILE": "/etc/coop/tls/billing.key",
        },
    ).amqp_ssl
    assert tls == {
        "cert_reqs": ssl.CERT_REQUIRED,
        "ca_certs": "/etc/coop/tls/ca.pem",
        "certfile": "/etc/coop/tls/billing.pem",
        "keyfile": "/etc/coop/tls/billing.key",
        "server_hostname": "rabbitmq",
    }
    # amqps:// alone verifies the broker against the system's CAs; never without verification.
    assert Settings.load("billing", {"AMQP_URI": "amqps://u:p@broker.example:5671/coop"}).amqp_ssl == {
        "cert_reqs": ssl.CERT_REQUIRED,
        "server_hostname": "broker.example",
    }


def test_one_timeout_for_every_call_between_services_and_the_outbox_backoff_are_settings(monkeypatch):
    for name in ("COOP_SERVICE_CALL_TIMEOUT_SECONDS", "COOP_OUTBOX_RETRY_DELAYS"):
        monkeypatch.delenv(name, raising=False)
    defaults = Settings.load("billing")
    assert defaults.service_call_timeout_seconds == 60.0
    assert defaults.outbox_retry_delays == (1.0, 5.0, 30.0, 120.0, 600.0)
    chosen = Settings.load(
        "billing", {"COOP_SERVICE_CALL_TIMEOUT_SECONDS": "12.5", "COOP_OUTBOX_RETRY_DELAYS": "2, 4"}
    )
    assert (chosen.service_call_timeout_seconds, chosen.outbox_retry_delays) == (12.5, (2.0, 4.0))


def test_settings_are_read_once_per_service_container(monkeypatch):
    class Container:  # what nameko's ServiceContainer offers: a name and a config
        def __init__(self, cache_seconds: str):
            self.service_name = "payroll"
            self.config = {"COOP_CREDENTIAL_CACHE_SECONDS": cache_seconds}

    container = Container("7")
    first = Settings.of(container)
    container.config = {"COOP_CREDENTIAL_CACHE_SECONDS": "99"}  # a later change is not re-read
    assert Settings.of(container) is first and first.credential_cache_seconds == 7
    assert Settings.of(Container("3")).credential_cache_seconds == 3  # another container reads its own
