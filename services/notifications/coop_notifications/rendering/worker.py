"""A template worker: a separate process that renders one job at a time under operating-system
limits (docs/adr/020-bounded-templates-webhooks-parsers.md), started and replaced by pool.py.

    python -m coop_notifications.rendering.worker '{"cpu_seconds": 1, "memory_mb": 32, ...}'

It imports what rendering needs, forbids core files, then before each job limits itself: its
address space to what it uses now plus `memory_mb` (RLIMIT_AS: an allocation beyond fails with
MemoryError) and its CPU time to what it used so far plus `cpu_seconds` (RLIMIT_CPU: the
kernel sends SIGXCPU, which ends the process). Both are soft limits set afresh per job, so the
compiled-template cache a long-lived worker keeps never eats a job's allowance; a worker
retires after `MAX_JOBS` jobs all the same. A job that hits a limit is answered when the process still
can (memory, output size), and the worker exits after it: the pool starts a fresh one, so no
job ever runs in a process a previous template left in a strange state. The Jinja2 sandbox
(domain/templates.py) still decides what a template may touch; these limits bound how much.
"""

from __future__ import annotations

import math
import os
import resource
import sys

from coop_notifications.domain import templates
from coop_notifications.rendering import frames
from coop_shared.errors import ValidationError

# One rendered part (subject, text or HTML) above this is refused: no e-mail needs it.
MAX_OUTPUT_CHARACTERS = 512 * 1024
MAX_JOBS = 5000  # then the worker exits after answering, and the pool starts a fresh one


class OutputTooLarge(Exception):
    pass


def _address_space_now() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _limit_memory(memory_mb: float) -> None:
    soft = _address_space_now() + int(memory_mb * 1024 * 1024)
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _limit_cpu(cpu_seconds: float) -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = math.ceil(usage.ru_utime + usage.ru_stime + cpu_seconds)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _read_exactly(count: int) -> bytes | None:
    chunks, missing = [], count
    while missing:
        chunk = os.read(0, missing)
        if not chunk:
            return None
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


def _read_job() -> dict | None:
    header = _read_exactly(frames.HEADER.size)
    if header is None:
        return None
    body = _read_exactly(frames.length_of(header))
    return None if body is None else frames.decode(body)


def _write(message: dict) -> None:
    data = frames.encode(message)
    while data:
        data = data[os.write(1, data) :]


def _bounded(*parts: str) -> None:
    if any(len(part) > MAX_OUTPUT_CHARACTERS for part in parts):
        raise OutputTooLarge


def _run(job: dict) -> dict:
    text = templates.Text(job["subject"], job["body"])
    if job["kind"] == "render":
        rendered = templates.render(text, job["context"])
        _bounded(rendered.subject, rendered.body)
        return {"ok": True, "subject": rendered.subject, "body": rendered.body}
    mail = templates.email(text, job["context"])
    _bounded(mail.subject, mail.text, mail.html)
    return {"ok": True, "subject": mail.subject, "text": mail.text, "html": mail.html}


def main(argv: list[str]) -> int:
    import json

    limits = json.loads(argv[1])
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    _write({"ready": True, "pid": os.getpid()})
    for count in range(1, MAX_JOBS + 1):
        job = _read_job()
        if job is None:
            return 0  # the service closed the pipe
        _limit_memory(float(limits["memory_mb"]))
        _limit_cpu(float(limits["cpu_seconds"]))
        try:
            answer = _run(job)
        except ValidationError as exc:
            answer = {"ok": False, "message": exc.message, "fields": exc.fields}
        except MemoryError:
            _write({"ok": False, "limit": "memory", "id": job.get("id")})
            return 3
        except OutputTooLarge:
            _write({"ok": False, "limit": "output", "id": job.get("id")})
            return 3
        except RecursionError:
            _write({"ok": False, "limit": "recursion", "id": job.get("id")})
            return 3
        except Exception as exc:  # a sandbox refusal (SecurityError), a filter's TypeError...
            answer = {"ok": False, "message": f"{type(exc).__name__}: {exc}", "fields": {}}
        answer["id"] = job.get("id")
        _write(dict(answer, retire=True) if count == MAX_JOBS else answer)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
