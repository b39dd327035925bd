"""A small pool of long-lived template workers (worker.py), each rendering one job at a time.

Spawning a Python process per e-mail would cost more than the whole delivery budget
(payment → e-mail p95 < 250 ms at 100/s), so `size` workers live as long as the service and a
job borrows one. A worker that exceeds a limit dies (CPU: SIGXCPU from the kernel), answers
that it hit one and exits (memory, output), or is killed by the pool when it has not answered
within `wall_seconds`; the pool then starts a fresh worker in its slot, and the service keeps
serving every other job meanwhile.

Waiting never blocks the service: the pipes are non-blocking and every wait is a
`select.select` with a deadline. Under eventlet (nameko monkey-patches `select`, `os` and
`subprocess`), that select is eventlet's green one, so a greenthread waiting for a slow
template yields the hub to every other worker of the service; without eventlet (the command
line, the unit tests) it is the ordinary blocking call of one thread. The idle slots are a
`queue.Queue`, green under monkey-patching too.
"""

from __future__ import annotations

import logging
import os
import queue
import select
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass

from coop_notifications.rendering import frames

log = logging.getLogger(__name__)

STARTUP_SECONDS = 30.0  # a fresh worker imports Jinja2; a loaded machine may be slow at it
WORKER_MODULE = "coop_notifications.rendering.worker"


@dataclass(frozen=True)
class Limits:
    cpu_seconds: float = 1.0
    memory_mb: float = 32.0
    wall_seconds: float = 2.0
    workers: int = 2


class LimitExceeded(Exception):
    """The template went beyond one of its limits: `limit` is cpu, memory, output, recursion or
    time."""

    def __init__(self, limit: str, limits: Limits):
        self.limit, self.limits = limit, limits
        super().__init__(limit)


class WorkerFailed(Exception):
    """The worker could not be started or spoke out of protocol (not the template's doing)."""


class Worker:
    def __init__(self, limits: Limits):
        self.limits = limits
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-m", WORKER_MODULE, _json(asdict(limits))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            close_fds=True,
            env=_worker_environment(),
        )
        self._in, self._out = self.process.stdin.fileno(), self.process.stdout.fileno()
        os.set_blocking(self._in, False)
        os.set_blocking(self._out, False)
        self.ready = False
        self._ended = False  # the worker closed its end: it exited (or is exiting)
        self._jobs = 0

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def run(self, job: dict) -> dict:
        """The worker's answer to `job`; LimitExceeded or WorkerFailed otherwise (the worker
        is then dead or killed, never reused). Each job carries a number the answer repeats."""
        if not self.ready:
            hello = self._read(time.monotonic() + STARTUP_SECONDS)
            if hello is None or not hello.get("ready"):
                self.kill()
                raise WorkerFailed("the template worker did not start")
            self.ready = True
        self._jobs += 1
        job = dict(job, id=self._jobs)
        deadline = time.monotonic() + self.limits.wall_seconds
        try:
            self._write(frames.encode(job), deadline)
        except (BrokenPipeError, TimeoutError):
            self.kill()
            raise WorkerFailed("the template worker did not take the job") from None
        answer = self._read(deadline)
        if answer is None:
            raise LimitExceeded(self._why_gone(), self.limits)
        if answer.get("id") != job["id"]:
            self.kill()
            raise WorkerFailed("the template worker answered another job")
        if "limit" in answer:
            self.kill()
            raise LimitExceeded(answer["limit"], self.limits)
        if answer.get("retire"):
            self.kill()  # it did its share of jobs; the pool starts a fresh one in its slot
        return answer

    def kill(self) -> None:
        if self.alive():
            self.process.kill()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL is not ignored
            log.error("template worker %s did not die", self.pid)
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass

    def _why_gone(self) -> str:
        """Why no answer came: the kernel's CPU limit, or the pool's wall-clock one."""
        if not self._ended:
            self.kill()  # still working at the deadline
            return "time"
        try:
            self.process.wait(timeout=5)  # the pipe closes a moment before the exit is reported
        except subprocess.TimeoutExpired:
            self.kill()
            return "time"
        self.kill()
        if self.process.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
            return "cpu"
        return "memory" if self.process.returncode == 3 else "crash"

    def _write(self, data: bytes, deadline: float) -> None:
        while data:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            _, writable, _ = select.select([], [self._in], [], remaining)
            if writable:
                try:
                    data = data[os.write(self._in, data) :]
                except BlockingIOError:
                    continue

    def _read(self, deadline: float) -> dict | None:
        """One frame, or None when the worker died or the deadline passed."""
        header = self._read_exactly(frames.HEADER.size, deadline)
        if header is None:
            return None
        try:
            length = frames.length_of(header)
        except frames.FrameTooLarge:
            self.kill()
            raise WorkerFailed("the template worker answered out of protocol") from None
        body = self._read_exactly(length, deadline)
        return None if body is None else frames.decode(body)

    def _read_exactly(self, count: int, deadline: float) -> bytes | None:
        chunks, missing = [], count
        while missing:
            # Past the deadline, still take what the worker already wrote: a greenthread of a
            # busy service may be resumed late, and the answer waiting in the pipe is the
            # template's in time, not a template over its limit (seen under load, issue 18).
            remaining = max(0.0, deadline - time.monotonic())
            readable, _, _ = select.select([self._out], [], [], remaining)
            if not readable:
                if remaining == 0.0:
                    return None
                continue
            try:
                chunk = os.read(self._out, missing)
            except BlockingIOError:
                continue
            if not chunk:
                self._ended = True  # end of file: the worker is gone
                return None
            chunks.append(chunk)
            missing -= len(chunk)
        return b"".join(chunks)


class TemplatePool:
    """`size` slots; a slot holds a live worker or None (started on first use)."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self._slots: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._workers: set[Worker] = set()
        self.replaced = 0  # workers killed or found dead and replaced (a metric for tests and logs)
        for _ in range(max(1, limits.workers)):
            self._slots.put(None)

    def warm(self) -> None:
        """Start every worker now rather than on first use (the first e-mail stays fast)."""
        slots = []
        while True:
            try:
                slots.append(self._slots.get_nowait())
            except queue.Empty:
                break
        for slot in slots:
            self._slots.put(slot if slot is not None and slot.alive() else self._spawn())

    def run(self, job: dict) -> dict:
        worker, answered = self._slots.get(), False
        try:
            if worker is None or not worker.alive():
                if worker is not None:
                    self._forget(worker)
                worker = self._spawn()
            answer = worker.run(job)
            answered = True
            return answer
        except (LimitExceeded, WorkerFailed) as exc:
            log.warning("template worker %s replaced: %s", getattr(worker, "pid", None), exc)
            self.replaced += 1
            raise
        except Exception as exc:  # a worker that could not start, or spoke out of protocol
            pid = getattr(worker, "pid", None)
            log.error("template worker %s replaced after %s: %s", pid, type(exc).__name__, exc)
            self.replaced += 1
            raise WorkerFailed("no template worker could render the job") from None
        finally:
            # A job interrupted for any reason (a limit, a killed greenthread) may leave its
            # answer in the pipe: that worker is never lent again, so no caller can read
            # another job's e-mail.
            if not answered and worker is not None:
                self._forget(worker)
                worker = None
            self._slots.put(worker)

    def close(self) -> None:
        with self._lock:
            workers, self._workers = list(self._workers), set()
        for worker in workers:
            worker.kill()

    def pids(self) -> set[int]:
        with self._lock:
            return {w.pid for w in self._workers if w.alive()}

    def _spawn(self) -> Worker:
        worker = Worker(self.limits)
        with self._lock:
            self._workers.add(worker)
        return worker

    def _forget(self, worker: Worker) -> None:
        worker.kill()
        with self._lock:
            self._workers.discard(worker)


def _json(value) -> str:
    import json

    return json.dumps(value)


def _worker_environment() -> dict:
    """No secret reaches a worker: only what the interpreter needs to start."""
    keep = ("PATH", "LANG", "LC_ALL", "TZ", "VIRTUAL_ENV")
    return {k: v for k, v in os.environ.items() if k in keep}
