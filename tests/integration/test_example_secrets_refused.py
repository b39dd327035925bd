"""A service started with a secret copied from deploy/.env.example refuses to start: one line on
stderr naming the setting, a non-zero exit, and nothing contacted (the broker and database URLs
point at a closed loopback port). docs/adr/022-deployment-least-privilege.md."""

import subprocess
import time

import pytest

from tests import support


@pytest.mark.parametrize(
    "setting,value",
    [
        ("COOP_PLATFORM_KEY", "change-me-platform-key"),
        ("COOP_SERVICE_KEY", "change-me-service-key"),
        (
            "BILLING_DATABASE_URL",
            "postgresql+psycopg2://coop_billing:change-me-billing-db@127.0.0.1:9/coop_billing",
        ),
    ],
)
def test_coop_serve_refuses_an_example_secret_with_one_line_naming_it(setting, value, tmp_path):
    closed = support.free_port()  # nothing listens there: a started service would hang, not exit 2
    settings = {
        "AMQP_URI": f"amqp://coop-billing:a-chosen-password@127.0.0.1:{closed}/coop",
        "BILLING_DATABASE_URL": f"postgresql+psycopg2://coop_billing:a-chosen-password@127.0.0.1:{closed}/coop_billing",
        "COOP_SERVICE_KEY": "svc-a-chosen-key",
        "COOP_DATA_DIR": str(tmp_path),
        setting: value,
    }
    done = subprocess.run(
        support.coop_command() + ["serve", "billing"],
        env=support.suite_env(settings),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and setting in lines[0] and "example value" in lines[0], done.stderr
    assert value not in done.stderr  # the secret itself is not echoed


def test_coop_serve_with_chosen_secrets_goes_on_to_connect(tmp_path):
    closed = support.free_port()
    settings = {
        "AMQP_URI": f"amqp://coop-billing:a-chosen-password@127.0.0.1:{closed}/coop",
        "BILLING_DATABASE_URL": f"sqlite:///{tmp_path / 'billing.db'}",
        "COOP_SERVICE_KEY": "svc-a-chosen-key",
        "COOP_DATA_DIR": str(tmp_path),
    }
    log = tmp_path / "serve.log"
    process = support.start_process(support.coop_command() + ["serve", "billing"], settings, log)
    try:
        time.sleep(6)  # long enough to read its settings and reach the broker's closed port
        assert process.poll() is None or process.returncode != 2, log.read_text()
    finally:
        support.stop_process(process, grace=5)
    assert "refusing to start" not in log.read_text()
