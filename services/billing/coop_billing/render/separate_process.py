"""Invoice PDFs rendered in a child process of billing (issue 18, docs/adr/027-invoice-path-speed.md).

Rendering an invoice costs some 20 ms of pure-Python CPU (reportlab). Done in billing's own
process it holds the one thread that serves every call: each `create_invoice`, `issue_invoice`
or `record_payment` arriving meanwhile waited for it, and every issued invoice is rendered once,
for its e-mail. A child process renders instead, on whichever core is free, while billing's
event loop keeps serving; billing waits for the answer on a pipe, which yields to the loop.

The child is started on first use and started again if it dies or overruns `timeout` (the call
that met the failure is tried once more in a fresh child, then fails with `RenderFailed`).
One render at a time per child; `processes` children serve renders side by side.

Protocol on the child's stdin/stdout: a 4-byte big-endian length, then that many bytes. A request
is JSON {"document", "credited"}; an answer is a JSON header {"payload"} or {"error"}, followed,
when it succeeded, by a second frame holding the PDF's bytes.
"""

from __future__ import annotations

import errno
import json
import logging
import struct
import sys

import eventlet
from eventlet.hubs import trampoline
from eventlet.patcher import original
from eventlet.queue import LightQueue
from nameko.extensions import DependencyProvider

from coop_shared.settings import lookup

log = logging.getLogger(__name__)
FRAME = struct.Struct(">I")
# The unpatched modules: the pipes are read and written with non-blocking os calls that wait
# on the hub (eventlet's green pipe loops for ever on a write to a dead child).
_os, _subprocess = original("os"), original("subprocess")


class RenderFailed(Exception):
    """The child could not render the document (its error is in the message)."""


class _Child:
    def __init__(self):
        self.process = _subprocess.Popen(
            [sys.executable, "-m", "coop_billing.render.separate_process"],
            stdin=_subprocess.PIPE,
            stdout=_subprocess.PIPE,
            bufsize=0,
        )
        self.requests, self.answers = _GreenFd(self.process.stdin), _GreenFd(self.process.stdout)

    def ask(self, request: bytes) -> tuple[dict, bytes | None]:
        _write(self.requests, request)
        header = json.loads(_read(self.answers))
        return header, (None if "error" in header else _read(self.answers))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


class SeparateProcessRenderer:
    """`render(document, credited)` as `coop_billing.render.pdf.render`, in child processes."""

    def __init__(self, processes: int = 1, timeout: float = 60.0):
        self.timeout = timeout
        self._idle: LightQueue = LightQueue()
        for _ in range(processes):
            self._idle.put(None)  # a slot; its child is started on first use
        self._children: set[_Child] = set()

    def render(self, document: dict, credited: dict | None = None) -> tuple[bytes, str | None]:
        request = json.dumps({"document": document, "credited": credited}).encode()
        child = self._idle.get()
        try:
            for attempt in (1, 2):
                child = child or self._start()
                try:
                    with eventlet.Timeout(self.timeout):
                        header, content = child.ask(request)
                    break
                except (OSError, EOFError, ValueError, eventlet.Timeout) as error:
                    log.warning("PDF renderer process failed (%r); starting another", error)
                    self._discard(child)
                    child = None
                    if attempt == 2:
                        raise RenderFailed(f"The PDF renderer process failed twice: {error!r}") from None
        finally:
            self._idle.put(child)
        if "error" in header:
            raise RenderFailed(header["error"])
        return content, header["payload"]

    def _start(self) -> _Child:
        child = _Child()
        self._children.add(child)
        return child

    def _discard(self, child: _Child) -> None:
        self._children.discard(child)
        try:
            child.stop()
        except OSError:
            pass

    def stop(self) -> None:
        for child in list(self._children):
            self._discard(child)


class DocumentRenderer(DependencyProvider):
    """Injects the service's `SeparateProcessRenderer`; its children stop with the service.
    `COOP_RENDER_PROCESSES` children (default 1) render side by side."""

    def setup(self):
        self.renderer = SeparateProcessRenderer(
            int(lookup(self.container.config, "COOP_RENDER_PROCESSES", "1"))
        )

    def get_dependency(self, worker_ctx):
        return self.renderer

    def stop(self):
        self.renderer.stop()

    kill = stop


class _GreenFd:
    """One end of a pipe, non-blocking, waiting on the hub when it would block."""

    def __init__(self, file):
        self.file, self.fd = file, file.fileno()
        _os.set_blocking(self.fd, False)

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            try:
                view = view[_os.write(self.fd, view) :]
            except BlockingIOError:
                trampoline(self.fd, write=True)

    def read(self, size: int) -> bytes:
        while True:
            try:
                return _os.read(self.fd, size)
            except BlockingIOError:
                trampoline(self.fd, read=True)
            except OSError as error:
                if error.errno != errno.EINTR:
                    raise


def _write(pipe, data: bytes) -> None:
    pipe.write(FRAME.pack(len(data)) + data)


def _read(pipe) -> bytes:
    size = FRAME.unpack(_exactly(pipe, FRAME.size))[0]
    return _exactly(pipe, size)


def _exactly(pipe, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = pipe.read(left)
        if not chunk:
            raise EOFError("the renderer process closed its pipe")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def main() -> None:
    """The child: render each request until stdin closes."""
    from coop_billing.render import pdf

    source, sink = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            request = json.loads(_read(source))
        except EOFError:
            return
        try:
            content, payload = pdf.render(request["document"], request["credited"])
        except Exception as error:  # the document cannot be rendered: say why, keep serving
            _write(sink, json.dumps({"error": f"{type(error).__name__}: {error}"}).encode())
        else:
            _write(sink, json.dumps({"payload": payload}).encode())
            _write(sink, content)
        sink.flush()  # stdout is buffered: the answer leaves now


if __name__ == "__main__":
    main()
