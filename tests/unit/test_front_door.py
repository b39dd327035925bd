"""The front door: with no broker the commands say so in one line, and the script that prepares
the test services names what is missing and how to install it (README, "Test it")."""

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PREPARE = ROOT / "deploy" / "tools" / "prepare-test-services"


def closed_loopback_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_demo_without_a_broker_says_so_in_one_line(tmp_path):
    env = dict(
        os.environ,
        AMQP_URI=f"amqp://guest:guest@127.0.0.1:{closed_loopback_port()}/",
        COOP_DATA_DIR=str(tmp_path),
    )
    coop = Path(sys.executable).parent / "coop"
    result = subprocess.run([str(coop), "demo"], env=env, capture_output=True, text=True, timeout=60)
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert result.returncode == 1
    assert len(lines) == 1 and lines[0].startswith("Error: no RabbitMQ answers at 127.0.0.1:"), lines
    assert "rabbitmq-server -detached" in lines[0] and "compose" in lines[0]


def test_prepare_test_services_names_a_missing_broker_and_its_install_command(tmp_path):
    # A PATH with the shell tools the script uses but no RabbitMQ, and a port where none answers.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "seq", "sleep", "curl", "basename", "ls", "head"):
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    env = {"PATH": str(bin_dir), "COOP_TEST_AMQP_PORT": str(closed_loopback_port())}
    result = subprocess.run(
        [str(bin_dir / "bash"), str(PREPARE)], env=env, capture_output=True, text=True, timeout=60
    )
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert result.returncode == 1
    assert lines == [
        f"prepare-test-services: RabbitMQ is not installed and nothing answers on port "
        f"{env['COOP_TEST_AMQP_PORT']}; install it: apt-get install rabbitmq-server"
    ]
