"""The deployment files grant each part only what it needs (docs/adr/022-deployment-least-privilege.md):
every container receives only its own secrets, no service logs in to PostgreSQL as the superuser,
STARTTLS is on by default, the Kubernetes pods run unprivileged on a read-only root with a
NetworkPolicy around them, and /metrics stays on an internal port. Each rule is read from the
files themselves, so a change that breaks one fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from coop_shared.settings import SERVICES

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
METRICS_PORT = 9100


def compose(name="compose.yaml") -> dict:
    return yaml.safe_load((DEPLOY / name).read_text())["services"]


def k8s(name) -> list[dict]:
    return [d for d in yaml.safe_load_all((DEPLOY / "k8s" / name).read_text()) if d]


def deployments() -> dict[str, dict]:
    """The Deployments of the five services and of the HTTP API (web.yaml), by what they serve."""
    found = [d for d in k8s("services.yaml") + k8s("web.yaml") if d["kind"] == "Deployment"]
    return {d["spec"]["template"]["spec"]["containers"][0]["args"][1]: d for d in found}


def database_urls(environment: dict) -> dict:
    return {k: v for k, v in environment.items() if k.endswith("_DATABASE_URL")}


# --- compose: each container its own secrets ---------------------------------------------------


@pytest.mark.parametrize("service", SERVICES)
def test_a_compose_service_holds_only_its_own_database_url_and_broker_user(service):
    environment = compose()[service]["environment"]
    assert database_urls(environment) == {
        f"{service.upper()}_DATABASE_URL": f"postgresql+psycopg2://coop_{service}:${{{service.upper()}_DB_PASSWORD}}"
        f"@postgres:5432/coop_{service}"
    }
    assert (
        environment["AMQP_URI"]
        == f"amqps://coop-{service}:${{{service.upper()}_BROKER_PASSWORD}}@rabbitmq:5671/coop"
    )
    assert environment["COOP_AMQP_SSL_CA_FILE"] == "/etc/coop/broker-ca/ca.pem"
    text = yaml.safe_dump(environment)
    for foreign in ("POSTGRES_PASSWORD", "RABBITMQ_PASSWORD", "RABBITMQ_USER", "COOP_RABBIT_MANAGEMENT"):
        assert foreign not in text, (service, foreign)
    others = [s for s in SERVICES if s != service]
    for other in others:
        assert f"{other.upper()}_DB_PASSWORD" not in text and f"{other.upper()}_BROKER_PASSWORD" not in text


@pytest.mark.parametrize("service", SERVICES)
def test_only_members_holds_the_platform_key_and_only_notifications_the_smtp_account(service):
    environment = compose()[service]["environment"]
    assert ("COOP_PLATFORM_KEY" in environment) == (service == "members")
    assert ("SMTP_PASSWORD" in environment) == (service == "notifications")
    assert "COOP_SERVICE_KEY" in environment


@pytest.mark.parametrize("service", SERVICES)
def test_each_migration_job_holds_its_own_database_url_only(service):
    job = compose()[f"migrate-{service}"]
    assert set(database_urls(job["environment"])) == {f"{service.upper()}_DATABASE_URL"}
    assert "AMQP_URI" not in job["environment"] and "COOP_PLATFORM_KEY" not in job["environment"]


def test_the_web_container_holds_its_broker_user_only_and_is_published_on_loopback():
    web = compose()["web"]
    environment = web["environment"]
    assert web["command"] == ["serve", "web"]
    assert environment["AMQP_URI"] == "amqps://coop-web:${WEB_BROKER_PASSWORD}@rabbitmq:5671/coop"
    assert environment["COOP_AMQP_SSL_CA_FILE"] == "/etc/coop/broker-ca/ca.pem"
    assert environment["COOP_HTTP_HOST"] == "0.0.0.0" and environment["COOP_HTTP_PORT"] == "8000"
    # the key signing the pages' CSRF cookie is the web container's alone
    assert environment["COOP_WEB_SECRET_KEY"] == "${COOP_WEB_SECRET_KEY}"
    others = [name for name, spec in compose().items() if name != "web"]
    assert not [n for n in others if "COOP_WEB_SECRET_KEY" in yaml.safe_dump(compose()[n])]
    # a caller like an integrator: no database, no key of the suite, no mail account
    assert database_urls(environment) == {}
    text = yaml.safe_dump(environment)
    for foreign in (
        "COOP_PLATFORM_KEY",
        "COOP_SERVICE_KEY",
        "COOP_DATA_KEY",
        "SMTP_",
        "POSTGRES_",
        "_DB_PASSWORD",
        "RABBITMQ_",
        "COOP_RABBIT_MANAGEMENT",
        *(f"{s.upper()}_BROKER_PASSWORD" for s in SERVICES),
    ):
        assert foreign not in text, foreign
    assert web["ports"] == ["127.0.0.1:${WEB_PORT:-8000}:8000"]
    assert "http://127.0.0.1:8000/health" in " ".join(web["healthcheck"]["test"])
    assert web["depends_on"] == {"topology": {"condition": "service_completed_successfully"}}
    assert "broker-ca:/etc/coop/broker-ca:ro" in web["volumes"]


def test_topology_declares_the_web_gateways_broker_user():
    environment = compose()["topology"]["environment"]
    assert environment["WEB_AMQP_URI"] == "amqps://coop-web:${WEB_BROKER_PASSWORD}@rabbitmq:5671/coop"


def test_only_the_topology_job_holds_the_brokers_operator_account():
    services = compose()
    holders = sorted(
        n for n, s in services.items() if "${RABBITMQ_PASSWORD}" in yaml.safe_dump(s.get("environment", {}))
    )
    assert holders == ["rabbitmq", "topology"]


def test_compose_containers_of_the_suite_run_read_only_without_capabilities():
    services = compose()
    for name in [*SERVICES, "web", "topology", *(f"migrate-{s}" for s in SERVICES)]:
        service = services[name]
        assert service["read_only"] is True and "/tmp" in service["tmpfs"], name
        assert service["cap_drop"] == ["ALL"] and "no-new-privileges:true" in service["security_opt"], name


def test_the_compose_broker_speaks_tls_only_and_every_suite_uri_is_amqps():
    assert "listeners.ssl.default = 5671" in (DEPLOY / "rabbitmq" / "tls.conf").read_text()
    assert "\nlisteners.tcp = none\n" in (DEPLOY / "rabbitmq" / "tls-only.conf").read_text()
    volumes = compose()["rabbitmq"]["volumes"]
    assert "./rabbitmq/tls.conf:/etc/rabbitmq/conf.d/30-tls.conf:ro" in volumes
    assert "./rabbitmq/tls-only.conf:/etc/rabbitmq/conf.d/31-tls-only.conf:ro" in volumes
    assert "broker-tls:/etc/coop/tls:ro" in volumes
    uris = re.findall(r"amqps?://[^\s]+", (DEPLOY / "compose.yaml").read_text())
    assert uris and all(u.startswith("amqps://") and "@rabbitmq:5671/" in u for u in uris), uris


def test_compose_publishes_nothing_beyond_loopback_and_never_the_metrics_port():
    for file in ("compose.yaml", "compose.offline.yaml"):
        for name, service in compose(file).items():
            for port in service.get("ports", []):
                assert str(port).startswith("127.0.0.1:"), (file, name, port)
                assert not str(port).endswith(f":{METRICS_PORT}"), (file, name, port)


def test_smtp_starttls_is_on_by_default_in_compose_and_the_offline_catcher_requires_it():
    assert compose()["notifications"]["environment"]["SMTP_STARTTLS"] == "${SMTP_STARTTLS:-true}"
    offline = compose("compose.offline.yaml")
    assert offline["notifications"]["environment"]["SMTP_STARTTLS"] == "true"
    assert offline["notifications"]["environment"]["SMTP_CA_FILE"].endswith("cert.pem")
    assert "require_starttls=True" in (DEPLOY / "mail" / "starttls_catcher.py").read_text()


def test_every_variable_of_both_compose_files_is_documented_in_env_example():
    used = set()
    for file in ("compose.yaml", "compose.offline.yaml"):
        used |= set(re.findall(r"\$\{([A-Z_]+)", (DEPLOY / file).read_text()))
    documented = {
        line.split("=", 1)[0]
        for line in (DEPLOY / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert used <= documented, sorted(used - documented)


def test_every_secret_of_env_example_is_an_example_that_coop_serve_refuses():
    from coop_shared.secret_guard import is_example

    lines = dict(
        line.split("=", 1)
        for line in (DEPLOY / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    secrets = {k: v for k, v in lines.items() if k.endswith(("_PASSWORD", "_KEY")) and v}
    assert len(secrets) >= 14
    assert all(is_example(v) for v in secrets.values()), secrets


# --- PostgreSQL: one role per service --------------------------------------------------------


def test_the_postgres_init_script_makes_one_unprivileged_role_per_service_owning_its_database():
    script = (DEPLOY / "postgres" / "init-databases.sh").read_text()
    assert "for service in " + " ".join(SERVICES) in script
    assert 'CREATE ROLE :"role" LOGIN PASSWORD' in script and "NOSUPERUSER NOCREATEDB NOCREATEROLE" in script
    assert 'CREATE DATABASE :"role" OWNER :"role"' in script
    assert 'REVOKE ALL ON DATABASE :"role" FROM PUBLIC' in script


# --- Kubernetes ------------------------------------------------------------------------------


def pods():
    """(name, pod spec) of every Deployment and the migration Job."""
    found = [(name, d["spec"]["template"]["spec"]) for name, d in deployments().items()]
    found += [("migrate", k8s("migrate-job.yaml")[0]["spec"]["template"]["spec"])]
    return found


@pytest.mark.parametrize("name,pod", pods(), ids=[n for n, _ in pods()])
def test_every_kubernetes_container_runs_unprivileged_on_a_read_only_root(name, pod):
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["automountServiceAccountToken"] is False
    volumes = {v["name"]: v for v in pod["volumes"]}
    for container in pod.get("initContainers", []) + pod["containers"]:
        security = container["securityContext"]
        assert security["allowPrivilegeEscalation"] is False, container["name"]
        assert security["readOnlyRootFilesystem"] is True, container["name"]
        assert security["runAsNonRoot"] is True and security["runAsUser"] == 10001, container["name"]
        assert security["capabilities"]["drop"] == ["ALL"], container["name"]
        tmp = [m for m in container["volumeMounts"] if m["mountPath"] == "/tmp"]
        assert tmp and "emptyDir" in volumes[tmp[0]["name"]], container["name"]


@pytest.mark.parametrize("service", SERVICES)
def test_each_kubernetes_service_reads_only_its_own_secret(service):
    container = deployments()[service]["spec"]["template"]["spec"]["containers"][0]
    assert container["envFrom"] == [{"secretRef": {"name": f"coop-{service}"}}]
    assert all("valueFrom" not in e for e in container.get("env", []))


def test_the_kubernetes_web_gateway_reads_its_own_secret_and_serves_http_inside_the_cluster():
    container = deployments()["web"]["spec"]["template"]["spec"]["containers"][0]
    assert container["envFrom"] == [{"secretRef": {"name": "coop-web"}}]
    assert all("valueFrom" not in e for e in container.get("env", []))
    assert container["ports"] == [{"name": "http", "containerPort": 8000}]
    assert {"name": "COOP_HTTP_HOST", "value": "0.0.0.0"} in container["env"]
    # behind the ingress controller, the only one let in: the client's address is the one it appends
    assert {"name": "COOP_HTTP_TRUSTED_PROXIES", "value": "1"} in container["env"]
    assert container["readinessProbe"]["httpGet"] == {"path": "/health", "port": "http"}
    (service,) = [d for d in k8s("web.yaml") if d["kind"] == "Service"]
    assert service["spec"]["type"] == "ClusterIP"
    assert service["spec"]["selector"] == {"app.kubernetes.io/name": "coop-web"}
    assert "web.yaml" in yaml.safe_load((DEPLOY / "k8s" / "kustomization.yaml").read_text())["resources"]


BROKER_CA = {"name": "broker-ca", "secret": {"secretName": "coop-broker-ca", "optional": True}}
CA_MOUNT = {"name": "broker-ca", "mountPath": "/etc/coop/broker-ca", "readOnly": True}


def test_every_pod_that_reaches_the_broker_can_read_its_ca_and_only_those():
    """An amqps:// URI with a private CA needs the CA's file in the pod (COOP_AMQP_SSL_CA_FILE,
    as in the compose stack): the optional Secret coop-broker-ca, read-only, in each service, the
    HTTP API and the topology step; the migrations reach only PostgreSQL and do not mount it."""
    for name, deployment in deployments().items():
        pod = deployment["spec"]["template"]["spec"]
        assert BROKER_CA in pod["volumes"], name
        assert CA_MOUNT in pod["containers"][0]["volumeMounts"], name
    pod = k8s("migrate-job.yaml")[0]["spec"]["template"]["spec"]
    assert BROKER_CA in pod["volumes"]
    assert CA_MOUNT in pod["containers"][0]["volumeMounts"]  # topology
    assert all(CA_MOUNT not in c["volumeMounts"] for c in pod["initContainers"])


def test_each_migration_reads_only_its_own_database_url_and_topology_the_operator_account():
    pod = k8s("migrate-job.yaml")[0]["spec"]["template"]["spec"]
    for service, container in zip(SERVICES, pod["initContainers"], strict=True):
        assert container["args"] == ["migrate", service]
        assert "envFrom" not in container
        secret_keys = [
            (e["name"], e["valueFrom"]["secretKeyRef"]) for e in container["env"] if "valueFrom" in e
        ]
        wanted = [f"{service.upper()}_DATABASE_URL"] + (
            ["COOP_DATA_KEY"] if service in ("members", "payroll") else []
        )
        assert secret_keys == [(key, {"name": f"coop-{service}", "key": key}) for key in wanted]
    assert pod["containers"][0]["envFrom"] == [{"secretRef": {"name": "coop-broker-operator"}}]


@pytest.mark.parametrize("service", SERVICES)
def test_metrics_listen_on_the_internal_port_only(service):
    container = deployments()[service]["spec"]["template"]["spec"]["containers"][0]
    assert container["ports"] == [{"name": "metrics", "containerPort": METRICS_PORT}]
    assert {"name": "COOP_METRICS_PORT", "value": str(METRICS_PORT)} in container["env"]


def policies() -> dict[str, dict]:
    return {p["metadata"]["name"]: p["spec"] for p in k8s("network-policy.yaml")}


def test_the_network_policy_denies_everything_not_listed():
    assert (
        "network-policy.yaml"
        in yaml.safe_load((DEPLOY / "k8s" / "kustomization.yaml").read_text())["resources"]
    )
    deny = policies()["coop-default-deny"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}


def test_only_monitoring_reaches_the_services_and_only_the_ingress_controller_the_web_gateway():
    ingress = {
        name: spec
        for name, spec in policies().items()
        if "Ingress" in spec["policyTypes"] and spec.get("ingress")
    }
    assert sorted(ingress) == ["coop-metrics-from-monitoring", "coop-web"]
    metrics = ingress["coop-metrics-from-monitoring"]
    assert metrics["podSelector"] == {"matchLabels": {"coop/role": "service"}}
    assert metrics["ingress"] == [
        {
            "from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}],
            "ports": [{"protocol": "TCP", "port": METRICS_PORT}],
        }
    ]
    web = ingress["coop-web"]
    assert web["podSelector"] == {"matchLabels": {"app.kubernetes.io/name": "coop-web"}}
    assert web["ingress"] == [
        {
            "from": [
                {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}}
            ],
            "ports": [{"protocol": "TCP", "port": 8000}],
        }
    ]
    # the five services are no gateway: the web policy does not select them
    labels = deployments()["members"]["spec"]["template"]["metadata"]["labels"]
    assert labels["coop/role"] == "service" and labels["app.kubernetes.io/name"] != "coop-web"


def test_the_web_gateway_reaches_the_broker_over_tls_and_dns_and_no_database():
    web = policies()["coop-web"]
    targets = [
        (rule["to"][0].get("podSelector", {}).get("matchLabels"), {p["port"] for p in rule["ports"]})
        for rule in web["egress"]
    ]
    assert targets == [({"app.kubernetes.io/name": "rabbitmq"}, {5671}), ({"k8s-app": "kube-dns"}, {53})]
    common = policies()["coop-broker-database-dns"]["podSelector"]
    assert {"key": "coop/role", "operator": "NotIn", "values": ["gateway"]} in common["matchExpressions"]
    assert deployments()["web"]["spec"]["template"]["metadata"]["labels"]["coop/role"] == "gateway"


def test_the_pods_reach_the_broker_the_database_and_dns_and_only_notifications_smtp():
    egress = {name: spec for name, spec in policies().items() if spec.get("egress")}
    common = egress["coop-broker-database-dns"]
    assert common["podSelector"]["matchLabels"] == {"app.kubernetes.io/part-of": "coop"}
    targets = [
        (rule["to"][0].get("podSelector", {}).get("matchLabels"), {p["port"] for p in rule["ports"]})
        for rule in common["egress"]
    ]
    assert ({"app.kubernetes.io/name": "rabbitmq"}, {5671, 5672, 15671, 15672}) in targets
    assert ({"app.kubernetes.io/name": "postgresql"}, {5432}) in targets
    smtp = [
        name
        for name, spec in egress.items()
        for rule in spec["egress"]
        for p in rule["ports"]
        if p["port"] in (25, 465, 587)
    ]
    assert smtp == ["coop-notifications-smtp-and-webhooks"] * 2
    for spec in egress.values():
        for rule in spec["egress"]:
            for target in rule["to"]:
                if "ipBlock" in target:  # outside the cluster: public addresses only
                    assert {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"} <= set(
                        target["ipBlock"]["except"]
                    )
