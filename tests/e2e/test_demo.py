"""`coop demo` on a machine where nothing runs yet: it starts the suite, plays the Brussels day
and prints the figures within a minute, then the console's address and the demo's logins; a
second run books nothing twice and prints the same logins; with `--keep-running` the console
stays up and each printed login signs in over HTTP."""

import os
import re
import signal
import subprocess
import time

import pyotp
import requests

from tests import support


def run_demo(amqp_uri: str, folder, port: int, *options: str) -> tuple[str, float]:
    started = time.monotonic()
    done = subprocess.run(
        support.coop_command() + ["demo", *options],
        capture_output=True,
        text=True,
        timeout=120,
        env=support.suite_env(
            {"AMQP_URI": amqp_uri, "COOP_DATA_DIR": str(folder), "COOP_HTTP_PORT": str(port)}
        ),
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


def logins(output: str) -> list[dict]:
    """Each printed login: who, e-mail, password and TOTP secret (None for an entrepreneur)."""
    found = []
    for block in re.findall(
        r"^  (Dies|BRUCOOP) (.+):\n    e-mail:   (\S+)\n    password: (\S+)\n(?:    second factor: TOTP secret (\S+))?",
        output,
        flags=re.MULTILINE,
    ):
        cooperative, who, email, password, secret = block
        found.append(
            {
                "cooperative": cooperative,
                "who": who,
                "email": email,
                "password": password,
                "secret": secret or None,
            }
        )
    return found


def signs_in(base: str, login: dict) -> str:
    """The path a browser lands on after the sign-in form (and the second factor, if any)."""
    http = requests.Session()

    def csrf(path):
        page = http.get(base + path, timeout=30)
        assert page.status_code == 200, (path, page.status_code)
        return re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)

    answer = http.post(
        base + "/sign-in",
        data={"email": login["email"], "password": login["password"], "csrf_token": csrf("/sign-in")},
        timeout=30,
    )
    if login["secret"]:
        assert answer.url.endswith("/second-factor"), answer.url
        # the next step's code: one the demo cannot have used (one step of drift is accepted)
        code = pyotp.TOTP(login["secret"]).at(time.time() + 30)
        answer = http.post(
            base + "/second-factor", data={"code": code, "csrf_token": csrf("/second-factor")}, timeout=30
        )
    assert answer.status_code == 200, (answer.status_code, answer.text[:500])
    return answer.url[len(base) :]


def test_the_demo_prints_each_activitys_figures_within_a_minute_and_can_run_twice(amqp_uri, tmp_path):
    port = support.free_port()
    first, seconds = run_demo(amqp_uri, tmp_path / "var", port)
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
    # 29 of the day, and the invitations of the four logins
    assert sent == 33 == len(list((tmp_path / "var" / "demo" / "mail").glob("*.eml")))  # each caught once
    assert first.count("person_invited sent ×2") == 2

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
    # the console's address and the four logins: an admin of each cooperative with a second
    # factor, an entrepreneur of each
    base = f"http://127.0.0.1:{port}"
    assert f"Console and portal: {base}/" in first
    printed = logins(first)
    assert [(p["cooperative"], p["who"].split(" ")[0], bool(p["secret"])) for p in printed] == [
        ("Dies", "admin", True),
        ("BRUCOOP", "admin", True),
        ("Dies", "entrepreneur", False),
        ("BRUCOOP", "entrepreneur", False),
    ]
    assert "Amina Diallo" in printed[2]["who"] and "Lena De Smet" in printed[3]["who"]
    assert first.count("otpauth://totp/") == 2 and all(len(p["password"]) >= 20 for p in printed)

    second, _ = run_demo(amqp_uri, tmp_path / "var", port, "--keep-running")
    assert logins(second) == printed  # the accounts kept, their logins printed again
    assert "logins: 0 made (none), 4 kept" in second
    stop = re.search(r"Stop them with: kill ([\d ]+)$", second, flags=re.MULTILINE).group(1).split()
    try:
        support.wait_for(lambda: _answers(base), timeout=30, message="the console to answer")
        assert [signs_in(base, login) for login in printed] == ["/console", "/console", "/portal", "/portal"]
    finally:
        _stop(int(pid) for pid in stop)  # as printed: `kill <pids>`
    assert figures(second) == figures(first)
    assert delivery_rows(second) == delivery_rows(first)
    assert "0 supplier invoice(s) received over Peppol, 0 booked" in second
    assert (
        "0 matched, 0 unmatched, 4 already booked" in second
        and "payroll" in second
        and "already closed" in second
    )


def _answers(base: str) -> bool:
    try:
        return requests.get(base + "/sign-in", timeout=2).status_code == 200
    except requests.ConnectionError:
        return False


def _stop(pids) -> None:
    """SIGTERM, then what the suite needs to finish (its vhost goes when this test ends)."""
    pids = list(pids)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass

    def gone(pid):
        try:
            os.kill(pid, 0)
            return False
        except ProcessLookupError:
            return True

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not all(gone(pid) for pid in pids):
        time.sleep(0.2)
    for pid in pids:
        if not gone(pid):
            os.kill(pid, signal.SIGKILL)
