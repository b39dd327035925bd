"""The documentation stays true and self-contained.

- `docs/rpc-contract.md` is generated from the code (`coop contract`) and committed: it must be
  exactly what the code renders today, and name every RPC method of every service.
- Nothing in the repository points at a document outside it: a reader of the code or the docs
  finds every reference here. Every `docs/….md` path cited anywhere exists.
"""

import difflib
import inspect
import re
import subprocess
from pathlib import Path

import pytest

from coop_cli import contract_doc, suite

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = ROOT / "docs" / "rpc-contract.md"
REGENERATE = ".venv/bin/coop contract > docs/rpc-contract.md"
SERVICES = ("members", "billing", "payroll", "notifications", "accounting")
THIS_FILE = Path(__file__).resolve().relative_to(ROOT).as_posix()

# Built by concatenation so that this file does not match its own patterns.
OUTSIDE = (
    re.compile(re.escape("belgium" + "-2026")),
    re.compile(re.escape("nameko-field" + "-notes")),
    re.compile(re.escape(".." + "/shared/")),
    re.compile(re.escape("/work" + "/shared")),
    re.compile(r"\bissues?\s+" + "#" + r"\d+", re.IGNORECASE),
    re.compile(r"(?<!docs/)\b(?:rpc-contract|architecture)" + r"\.md"),
)
DOCS_PATH = re.compile(r"\bdocs/[A-Za-z0-9_./-]*\.md\b")


def repository_files() -> list[str]:
    """Tracked files, plus untracked files that are not ignored (work not committed yet)."""
    listed = set()
    for extra in ((), ("--others", "--exclude-standard")):
        out = subprocess.run(
            ["git", "ls-files", *extra], cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout
        listed.update(line for line in out.splitlines() if line)
    return sorted(listed)


def text_files() -> list[tuple[str, str]]:
    """(path, text) of every repository file that is text (binaries and deleted files skipped)."""
    found = []
    for name in repository_files():
        path = ROOT / name
        if not path.is_file():
            continue
        raw = path.read_bytes()
        if b"\0" in raw:
            continue
        try:
            found.append((name, raw.decode("utf-8")))
        except UnicodeDecodeError:
            continue
    return found


def rpc_method_names(service: str) -> list[str]:
    cls = suite.service_class(service)
    return sorted(
        name
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if any("Rpc" in type(e).__name__ for e in getattr(member, "nameko_entrypoints", ()))
    )


def test_the_committed_contract_is_what_the_code_renders():
    committed = CONTRACT.read_text(encoding="utf-8") if CONTRACT.exists() else ""
    rendered = contract_doc.render()
    if committed != rendered:
        diff = difflib.unified_diff(
            committed.splitlines(), rendered.splitlines(), "docs/rpc-contract.md", "render()", lineterm=""
        )
        excerpt = "\n".join(list(diff)[:60])
        pytest.fail(f"docs/rpc-contract.md is out of date: run `{REGENERATE}`\n{excerpt}")


def test_the_contract_is_rendered_the_same_twice():
    assert contract_doc.render() == contract_doc.render()


@pytest.mark.parametrize("service", SERVICES)
def test_every_rpc_method_is_in_the_contract(service):
    text = CONTRACT.read_text(encoding="utf-8")
    names = rpc_method_names(service)
    assert "health" in names and "whoami" in names
    missing = [name for name in names if f"### `{service}.{name}`" not in text]
    assert missing == [], f"not in docs/rpc-contract.md (run `{REGENERATE}`): {missing}"


def test_no_file_names_a_document_outside_the_repository():
    offenders = []
    for name, text in text_files():
        if name == THIS_FILE:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if any(pattern.search(line) for pattern in OUTSIDE):
                offenders.append(f"{name}:{number}: {line.strip()[:120]}")
    assert offenders == [], (
        "cite the documents of docs/ instead (docs/architecture.md, docs/rpc-contract.md, "
        "docs/nameko-delivery.md, docs/domain/…), and say what a feature is instead of an issue "
        "number:\n" + "\n".join(offenders)
    )


def test_every_cited_docs_page_exists():
    missing = sorted(
        {
            f"{name}: {cited}"
            for name, text in text_files()
            for cited in DOCS_PATH.findall(text)
            if not (ROOT / cited).is_file()
        }
    )
    assert missing == [], "\n".join(missing)
