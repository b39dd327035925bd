"""The deployment files say the same thing as the code: every setting the compose stack uses is
documented in .env.example, every service is migrated, served and health-checked, the image
runs as a non-root user, and the Kubernetes manifests mirror the compose stack."""

import re
from pathlib import Path

import yaml

from coop_shared.settings import SERVICES

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_every_variable_of_the_compose_stack_is_documented_in_env_example():
    used = set(re.findall(r"\$\{([A-Z_]+)", (DEPLOY / "compose.yaml").read_text()))
    documented = {
        line.split("=", 1)[0]
        for line in (DEPLOY / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert used and used <= documented, sorted(used - documented)


def test_each_service_is_migrated_before_it_is_served_and_health_checked():
    services = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    for name in SERVICES:
        assert services[f"migrate-{name}"]["command"] == ["migrate", name]
        assert services[name]["command"] == ["serve", name]
        assert services[name]["healthcheck"]["test"] == ["CMD", "coop", "health", name]
        assert services[name]["depends_on"]["topology"]["condition"] == "service_completed_successfully"
    assert set(services["topology"]["depends_on"]) >= {f"migrate-{name}" for name in SERVICES}


def test_the_image_runs_as_a_non_root_user_from_a_chosen_base():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "ARG BASE_IMAGE=python:3.11-slim" in dockerfile and "USER coop" in dockerfile
    assert dockerfile.count("FROM ${BASE_IMAGE}") == 2  # build stage, then runtime only
    assert 'ENTRYPOINT ["coop"]' in dockerfile


def test_the_kubernetes_manifests_mirror_the_compose_stack():
    deployments = list(yaml.safe_load_all((DEPLOY / "k8s" / "services.yaml").read_text()))
    served = {d["spec"]["template"]["spec"]["containers"][0]["args"][1] for d in deployments}
    assert served == set(SERVICES)
    for deployment in deployments:
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert container["readinessProbe"]["exec"]["command"] == ["coop", "health", container["args"][1]]
    job = yaml.safe_load((DEPLOY / "k8s" / "migrate-job.yaml").read_text())
    assert [c["args"] for c in job["spec"]["template"]["spec"]["initContainers"]] == [
        ["migrate", name] for name in SERVICES
    ]


def test_the_broker_definitions_hold_the_policies_and_no_secret():
    import json

    definitions = json.loads((DEPLOY / "rabbitmq" / "definitions.json").read_text())
    # The services' users, with no password (set by `coop topology` from their URIs) and no tag;
    # the operator's user comes from .env at boot (start.sh), the only administrator.
    assert all(u["password_hash"] == "" and u["tags"] == "" for u in definitions["users"])
    policies = {p["name"]: p["definition"] for p in definitions["policies"]}
    assert policies["coop-rpc-ttl"] == {"message-ttl": 120000}
    assert policies["coop-event-queues"]["dead-letter-exchange"] == "coop.dead-letter"
    assert "max-length" in policies["coop-event-queues"]
