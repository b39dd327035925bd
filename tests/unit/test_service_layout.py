"""Every service has the same shape (docs/architecture.md, "One shape for every service"):

    service.py     entrypoints only: resolve the caller, validate, call one handler
    handlers/      use cases; they own authorization
    domain/        pure rules (no framework: .importlinter)
    repository.py  every query of the service (handlers never import sqlalchemy: .importlinter)
    orm.py         tables
    schemas.py     input schemas (marshmallow)
    views.py       output dicts
    clients.py     calls to other services, one class per service called: <Service>Client
    migrations/    Alembic

Knowing one service means knowing them all; this test keeps it so.
"""

import ast
import importlib
import inspect
from pathlib import Path

import pytest

from coop_shared.runtime.entrypoints import RpcSpec
from coop_shared.storage.repository import Repository

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("members", "billing", "payroll", "notifications", "accounting")
FILES = (
    "service.py",
    "repository.py",
    "orm.py",
    "schemas.py",
    "views.py",
    "clients.py",
    "handlers/__init__.py",
    "domain/__init__.py",
    "migrations/env.py",
    "migrations/versions",
)
ROLE_CHECKS = ("require", "require_role")


def package_dir(service: str) -> Path:
    return ROOT / "services" / service / f"coop_{service}"


def service_class(service: str):
    module = importlib.import_module(f"coop_{service}.service")
    return next(
        cls
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if getattr(cls, "name", None) == service and cls.__module__ == module.__name__
    )


def calls_in(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            func = node.func
            names.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
    return names


def attributes_in(path: Path) -> set[str]:
    return {node.attr for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.Attribute)}


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_has_the_same_files(service):
    missing = [name for name in FILES if not (package_dir(service) / name).exists()]
    assert missing == []


@pytest.mark.parametrize("service", SERVICES)
def test_service_py_checks_no_role_and_opens_no_session(service):
    path = package_dir(service) / "service.py"
    assert calls_in(path) & set(ROLE_CHECKS) == set(), "role checks belong to the handlers"
    assert "session" not in attributes_in(path), "entrypoints reach the database through handlers"


@pytest.mark.parametrize("service", SERVICES)
def test_every_rpc_method_declares_its_payload(service):
    cls = service_class(service)
    undeclared = [
        name
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if getattr(member, "nameko_entrypoints", None)
        and name not in ("health", "whoami")
        and "Rpc" in "".join(type(e).__name__ for e in member.nameko_entrypoints)
        and not isinstance(getattr(member, "rpc_spec", None), RpcSpec)
    ]
    assert undeclared == [], "declare each RPC method with @rpc(Schema) (coop_shared.runtime.entrypoints)"


@pytest.mark.parametrize("service", SERVICES)
def test_handlers_use_the_unit_of_work_interface_only(service):
    offenders = [
        str(path.relative_to(ROOT))
        for path in (package_dir(service) / "handlers").rglob("*.py")
        if "session" in attributes_in(path)
    ]
    assert offenders == [], "handlers use uow.repo, never a session (coop_shared.unit_of_work)"


@pytest.mark.parametrize("service", SERVICES)
def test_the_unit_of_work_carries_the_service_repository(service):
    repository = importlib.import_module(f"coop_{service}.repository")
    cls = service_class(service)
    assert issubclass(cls.uow.repository, Repository)
    assert cls.uow.repository.__module__ == repository.__name__


@pytest.mark.parametrize("service", SERVICES)
def test_clients_are_named_after_the_service_they_call(service):
    module = importlib.import_module(f"coop_{service}.clients")
    classes = [
        name for name, cls in inspect.getmembers(module, inspect.isclass) if cls.__module__ == module.__name__
    ]
    assert all(name.endswith("Client") and name[: -len("Client")].lower() in SERVICES for name in classes), (
        classes
    )


# The web service (docs/adr/023-http-api.md) is a gateway, not a nameko service: it owns no
# data yet (no orm.py, repository.py or migrations/), decides no authorization (no handlers/:
# the services do, from the forwarded credential) and has no rules of its own (no domain/). Its
# service.py holds the HTTP entrypoints; its payloads are the services' own schemas.
WEB_FILES = ("service.py", "routes.py", "contract.py", "openapi.py", "rpc_pool.py", "authenticators.py")


def test_the_web_gateway_has_its_own_shape_and_no_database():
    web = package_dir("web")
    assert [name for name in WEB_FILES if not (web / name).exists()] == []
    assert [name for name in ("orm.py", "repository.py", "migrations") if (web / name).exists()] == []
    assert calls_in(web / "service.py") & set(ROLE_CHECKS) == set(), "the services check roles"
