"""Invoice PDFs rendered by billing's child process (coop_billing.render.separate_process): the
same bytes as rendering in the process, a child killed mid-way replaced without the caller
noticing, a document that cannot be rendered refused with its reason while the child keeps
serving, and billing's own loop free while a render runs."""

import os
import signal
import time

import eventlet
import pytest

from coop_billing.render import pdf
from coop_billing.render.separate_process import RenderFailed, SeparateProcessRenderer
from tests.unit.test_pdf_render_cost import issued_invoice  # noqa: F401  (the fixture)


@pytest.fixture
def renderer():
    made = SeparateProcessRenderer(processes=1, timeout=30)
    yield made
    made.stop()


def document_of(issued):
    (document, credited), _ = issued
    return document, credited


def before_stamp(document: bytes) -> bytes:
    return document.split(b"/CreationDate")[0]


def test_the_child_renders_what_this_process_renders(issued_invoice, renderer):  # noqa: F811
    document, credited = document_of(issued_invoice)
    content, payload = renderer.render(document, credited)
    here, here_payload = pdf.render(document, credited)
    assert payload == here_payload and payload.startswith("BCD\n")
    # reportlab stamps each file with its creation moment and a random id: compare what precedes
    assert content[:5] == b"%PDF-" and before_stamp(content) == before_stamp(here)


def test_a_killed_child_is_replaced_and_the_render_still_answers(issued_invoice, renderer):  # noqa: F811
    document, credited = document_of(issued_invoice)
    renderer.render(document, credited)
    (child,) = renderer._children
    os.kill(child.process.pid, signal.SIGKILL)
    child.process.wait()
    content, _ = renderer.render(document, credited)
    assert content[:5] == b"%PDF-"
    (fresh,) = renderer._children
    assert fresh.process.pid != child.process.pid


def test_a_document_that_cannot_be_rendered_is_refused_with_its_reason(issued_invoice, renderer):  # noqa: F811
    document, credited = document_of(issued_invoice)
    broken = dict(document, buyer=dict(document["buyer"], language="xx"))  # no labels in that language
    with pytest.raises(RenderFailed, match="KeyError"):
        renderer.render(broken, credited)
    assert renderer.render(document, credited)[0][:5] == b"%PDF-"  # the same child serves on


def test_the_loop_keeps_serving_while_a_render_runs(issued_invoice, renderer):  # noqa: F811
    document, credited = document_of(issued_invoice)
    renderer.render(document, credited)  # the child started
    ticks = []

    def tick():
        while True:
            ticks.append(time.perf_counter())
            eventlet.sleep(0.001)

    ticker = eventlet.spawn(tick)
    windows = []
    try:
        for _ in range(5):
            started = time.perf_counter()
            renderer.render(document, credited)
            windows.append((started, time.perf_counter()))
    finally:
        ticker.kill()
    # Rendered in this process, a render would leave no tick inside its window.
    assert all(any(start < t < end for t in ticks) for start, end in windows)
