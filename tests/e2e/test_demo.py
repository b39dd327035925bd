"""`coop demo` on a machine where nothing runs yet: it starts the suite, plays the Brussels day
and prints the figures within a minute; a second run books nothing twice."""

import re
import subprocess
import time

from tests import support


def run_demo(amqp_uri: str, folder) -> tuple[str, float]:
    started = time.monotonic()
    done = subprocess.run(
        support.coop_command() + ["demo"],
        capture_output=True,
        text=True,
        timeout=120,
        env=support.suite_env({"AMQP_URI": amqp_uri, "COOP_DATA_DIR": str(folder)}),
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout, time.monotonic() - started


def figures(output: str) -> list[str]:
    """The per-activity rows and the payslips: what must not change on a second run."""
    return [line for line in output.splitlines() if re.match(r"^(A\d{4} |  \w+ \w+ +gross)", line)]


def delivery_rows(output: str) -> list[list[str]]:
    """(number, first word of the customer, ..., channel, status) of each invoice's delivery row."""
    rows = []
    for line in output.splitlines():
        if re.match(r"^  [A-Z]+-\d{4}-\d{5} ", line):
            words = line.split("  (")[0].split()
            rows.append(words)
    return rows


def test_the_demo_prints_each_activitys_figures_within_a_minute_and_can_run_twice(amqp_uri, tmp_path):
    first, seconds = run_demo(amqp_uri, tmp_path / "var")
    print(f"\ncoop demo: {seconds:.1f} s\n{first}")
    assert seconds < 60
    # Each invoice's delivery: B2B over the loopback Peppol network, consumers and customers not
    # on Peppol by e-mail with the reason; over Peppol the e-mail is a copy saying so.
    deliveries = delivery_rows(first)
    assert [d[-2:] for d in deliveries if d[1] == "Bakkerij"] == [["peppol", "delivered"]] * 2
    assert [d[-2:] for d in deliveries if d[1] == "Claire"] == [["email", "emailed"]] * 2
    assert [d[-2:] for d in deliveries if d[1] == "Brasserie"] == [["peppol", "delivered"]]
    assert "Fietsersbond vzw         email   emailed  (The customer is not registered on Peppol" in first
    assert len(deliveries) == 7 and "invoice_issued_copy sent ×4" in first
    assert "received over Peppol: BRUCOOP-2026-00003 from BRUCOOP (600.00 excl. VAT, assigned)" in first
    rows = {
        line[:38].split(" (")[0].split(" ", 1)[1]: line[38:].split()
        for line in figures(first)
        if line.startswith("A")
    }  # a 38-character label, then the figures
    # Amina: 22 × 45.00 + 4 × 18.50 invoiced and paid; 10 % to Dies; the rest paid out as salary.
    assert rows["Vélo-livraisons"] == ["1064.00", "1064.00", "106.40", "957.60", "0.00"]
    # Jonas: the bookcase (1,850.00) is not paid yet, so it was not available for his pay.
    assert rows["Meubelmakerij"] == ["5380.00", "3530.00", "353.00", "3177.00", "0.00"]
    assert "Trial status" in first and "document_expiring sent ×1" in first
    assert first.count("unmatched payments: 75.00 from A. Martin") == 2
    sent = sum(int(n) for n in re.findall(r"sent ×(\d+)", first))
    assert "pending" not in first and "failed" not in first
    assert sent == 29 == len(list((tmp_path / "var" / "demo" / "mail").glob("*.eml")))  # each caught once

    # each cooperative's VAT return of the month, from the books (issue 15): its invoices' VAT
    # in grid 54 and the balance due or refundable
    period = time.strftime("%Y-%m")
    returns = re.findall(
        rf"^VAT return {period} \(draft, [^)]*\)\n((?:  .*\n)+)", first + "\n", flags=re.MULTILINE
    )
    assert len(returns) == 2, first[-2000:]
    # and each cooperative's books balance: the trial balance sums to zero
    balances = re.findall(
        rf"^books {period}: \d+ accounts, debit ([\d.]+) = credit ([\d.]+), balance (\S+)$", first, re.M
    )
    assert len(balances) == 2 and all(d == c and d != "0.00" and b == "0.00" for d, c, b in balances)
    for grids in returns:
        assert "  grid 54:" in grids and re.search(r"  (due \(71\)|refundable \(72\)): \d+\.\d\d", grids)
    second, _ = run_demo(amqp_uri, tmp_path / "var")
    assert figures(second) == figures(first)
    assert delivery_rows(second) == delivery_rows(first)
    assert "0 supplier invoice(s) received over Peppol, 0 booked" in second
    assert (
        "0 matched, 0 unmatched, 4 already booked" in second
        and "payroll" in second
        and "already closed" in second
    )
