"""`coop serve` refuses a secret copied from an example (coop_shared.secret_guard,
docs/adr/022-deployment-least-privilege.md): each kind of setting, and what is let through."""

from coop_shared.secret_guard import example_secrets, is_example, refusal


def test_the_placeholders_of_env_example_and_the_readme_are_examples():
    for value in (
        "change-me",
        "change-me-platform-key",
        "CHANGE-ME-postgres",
        "changeme",
        "k1:change-me-data-key",
        "secret",
    ):
        assert is_example(value), value


def test_chosen_secrets_are_not_examples():
    for value in ("platform-key-for-tests-only", "Zq3x-7d9KfPq1w", "k1:" + "a" * 40, "default-route-9f3a1c"):
        assert not is_example(value), value


def test_the_development_data_key_written_in_the_code_is_an_example():
    from coop_shared import settings

    development = getattr(settings, "DEVELOPMENT_DATA_KEY", None)
    if development is None:  # no development key in this version of the settings
        return
    assert is_example(development)


def test_each_secret_setting_and_each_password_inside_a_url_is_checked():
    environ = {
        "COOP_PLATFORM_KEY": "change-me-platform-key",
        "COOP_SERVICE_KEY": "svc-a-real-one-7f3e",
        "AMQP_URI": "amqp://coop-billing:change-me-billing-broker@rabbitmq:5672/coop",
        "BILLING_DATABASE_URL": "postgresql+psycopg2://coop_billing:change-me-billing-db@postgres:5432/coop_billing",
        "MEMBERS_DATABASE_URL": "postgresql+psycopg2://coop_members:9xQ2-real@postgres:5432/coop_members",
        "SMTP_PASSWORD": "Change-Me",
    }
    assert example_secrets(environ=environ) == [
        "COOP_PLATFORM_KEY",
        "SMTP_PASSWORD",
        "AMQP_URI",
        "BILLING_DATABASE_URL",
    ]


def test_the_nameko_config_is_read_before_the_environment():
    assert example_secrets({"COOP_PLATFORM_KEY": "chosen-9f3a"}, {"COOP_PLATFORM_KEY": "change-me"}) == []
    assert example_secrets({"COOP_PLATFORM_KEY": "change-me"}, {}) == ["COOP_PLATFORM_KEY"]


def test_rabbitmq_guest_on_loopback_and_urls_without_password_are_let_through():
    environ = {
        "AMQP_URI": "amqp://guest:guest@127.0.0.1:5672/coop",
        "BILLING_DATABASE_URL": "postgresql+psycopg2://postgres@127.0.0.1:5432/coop_billing",
        "COOP_SERVICE_KEY": "",
    }
    assert refusal(environ=environ) is None


def test_the_refusal_is_one_line_naming_every_setting():
    line = refusal(environ={"COOP_SERVICE_KEY": "change-me-service-key", "COOP_DATA_KEY": "k1:change-me"})
    assert "\n" not in line and "COOP_SERVICE_KEY, COOP_DATA_KEY" in line
