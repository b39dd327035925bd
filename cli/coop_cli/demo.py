"""`coop demo`: Dies and BRUCOOP at work in under a minute, then what their staff would look at.

Starts the suite (and a local mail catcher) when none answers, creates the two cooperatives,
their entrepreneurs, customers and invoices, imports a bank statement that pays most of them,
runs this month's payroll for both, and prints per activity what was invoiced, received,
contributed, paid out and what is left; the payslips; the e-mails sent; the unmatched money.
Then the people who sign in to the console and the portal (demo_data.LOGINS): an admin of each
cooperative, with a second factor the demo enrols itself, and an entrepreneur of each, made with
members' own RPC (an invitation, read from the e-mail the mail catcher kept, then accepted with
a password); the console's address and those logins are printed last.
Running it again changes nothing: every step finds what the first run made (idempotency keys,
duplicate bank references, one payroll per period, the accounts whose password still works).
"""

from __future__ import annotations

import base64
import email
import email.policy
import json
import os
import re
import secrets
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import click

from coop_cli import demo_data, statement_files, suite
from coop_shared.dates import brussels_today
from coop_shared.errors import Conflict, Forbidden
from coop_shared.settings import SERVICES, data_dir


class Progress:
    def __init__(self):
        self.started = time.monotonic()

    def __call__(self, message: str) -> None:
        click.echo(f"[{time.monotonic() - self.started:5.1f}s] {message}")


def _running(amqp_uri: str) -> bool:
    """Every service answers `health` (members first, briefly: when nothing runs, say so fast)."""
    from coop_cli.status_report import healths

    try:
        if healths(amqp_uri, ("members",), timeout=1)["members"].get("status") != "ok":
            return False
        return all(a.get("status") == "ok" for a in healths(amqp_uri, SERVICES, timeout=2).values())
    except Exception:
        return False


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalSuite:
    """The suite and a mail catcher in child processes, for a demo on a machine running neither."""

    def __init__(self, folder: Path, platform_key: str):
        self.folder, self.platform_key, self.processes = folder, platform_key, []

    def start(self, amqp_uri: str, progress, address: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        smtp_port = _free_port()
        self.mail = self.folder / "mail"
        env = dict(
            os.environ,
            COOP_PLATFORM_KEY=self.platform_key,
            # The services' own secret, never derived from the platform key (docs/adr/019).
            COOP_SERVICE_KEY=os.environ.get("COOP_SERVICE_KEY") or secrets.token_urlsafe(32),
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=str(smtp_port),
            COOP_MAIL_FROM="no-reply@demo.coop.example",
            COOP_DELIVERY_POLL_SECONDS="0.5",
            COOP_LOG_FORMAT="plain",
            PYTHONUNBUFFERED="1",
        )
        # the links of the invitation e-mails point at the console `coop run` serves
        env.setdefault("COOP_PUBLIC_URL", address.rstrip("/"))
        if address.startswith(("http://127.", "http://localhost")):
            # plain http on loopback: a browser sends no `Secure` cookie back over it (coop_web.settings)
            env.setdefault("COOP_WEB_COOKIE_SECURE", "false")
        with open(self.folder / "suite.log", "ab") as log:  # each child keeps its own descriptor
            self.processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "coop_cli.mail_catcher", str(smtp_port), str(self.mail)],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            self.processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "coop_cli", "run"], env=env, stdout=log, stderr=subprocess.STDOUT
                )
            )
            progress(f"starting the suite (log: {self.folder / 'suite.log'}; e-mails caught in {self.mail})")
            deadline = time.monotonic() + 60
            while not _running(amqp_uri):
                if self.processes[-1].poll() is not None or time.monotonic() > deadline:
                    raise click.ClickException(f"the suite did not start; see {self.folder / 'suite.log'}")
                time.sleep(0.5)

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _admin_key(connect, platform, cooperative: dict) -> str:
    """The demo's admin key of the cooperative, kept next to the platform key: idempotency keys
    belong to the key that sent them (docs/adr/021-nothing-run-twice-and-the-trail.md), so a
    second run finds the first run's invoices only when it speaks with the same key."""
    try:
        platform.members.create_cooperative(cooperative)
    except Conflict:
        pass  # made by an earlier run
    key_file = data_dir() / "demo" / f"{cooperative['slug']}-admin-key"
    if key_file.exists():
        known = key_file.read_text().strip()
        try:
            with connect(known) as rpc:
                if rpc.members.whoami().get("cooperative") == cooperative["slug"]:
                    return known
        except Forbidden:
            pass  # another installation's key, or revoked: issue a new one
    secret = platform.members.issue_api_key(
        {"cooperative": cooperative["slug"], "role": "admin", "label": "coop demo"}
    )["secret"]
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_text(secret)
    return secret


def _member(rpc, person, activity, model, parameters, documents, period_start: str) -> tuple[dict, dict]:
    found = rpc.members.list_members({"q": person["email"]})["items"]
    if found:
        member = rpc.members.get_member(found[0]["id"])
        return member, member["activities"][0]
    member = rpc.members.register_member(person)
    made = rpc.members.add_activity(dict(activity, member_id=member["id"]))
    rpc.members.set_status_model(
        {
            "member_id": member["id"],
            "status_model": model,
            "valid_from": period_start,
            "parameters": parameters,
        }
    )
    for document in documents:
        rpc.members.record_document(dict(document, member_id=member["id"]))
    if model != "trial":
        rpc.members.change_lifecycle(
            {"member_id": member["id"], "to": "active", "effective_on": period_start}
        )
    return member, made


def _customer(rpc, customer: dict) -> dict:
    for existing in rpc.billing.list_customers({"q": customer["name"]})["items"]:
        if existing["name"] == customer["name"]:
            return existing
    return rpc.billing.create_customer(customer)


def build(connect, platform_key: str, today: date, progress, mail: Path | None = None) -> dict:
    """Everything the demo makes; returns the keys and what the summary needs. `mail` is the
    folder where the suite's e-mails arrive as .eml files (the mail catcher's; in the tests, the
    SMTP receiver's): the invitations of the demo's logins are read there. Without it, only
    logins made by an earlier run are kept (and printed)."""
    period = today.strftime("%Y-%m")
    world = {"keys": {}, "activities": {}, "customers": {}, "period": period}
    _cooperatives(connect, platform_key, world, progress)
    _peppol(connect, world, progress)
    _members_and_customers(connect, world, today, progress)
    _accompaniment(connect, world, today, progress)
    paid_lines = _invoices(connect, world, progress)
    _purchases(connect, world, progress)
    _bank_statements(connect, world, paid_lines, today, progress)
    for slug, key in world["keys"].items():
        with connect(key) as rpc:
            _payroll(rpc, slug, world, progress)
            rpc.members.run_document_check()
    world["logins"] = _logins(connect, world, progress, mail)
    return world


def _logins_file() -> Path:
    return data_dir() / "demo" / "logins.json"


def _logins(connect, world: dict, progress, mail: Path | None) -> dict:
    """The demo's people (demo_data.LOGINS), each made once with members' own RPC: invited by
    the cooperative's admin key, the invitation's link read from its e-mail, accepted with a
    long random password; an admin then enrols a TOTP second factor. The passwords, TOTP
    secrets and recovery codes are kept in data_dir()/demo/logins.json (readable by its owner
    only), so a second run finds each account by signing in with its password and keeps it."""
    store = _logins_file()
    known = json.loads(store.read_text()) if store.exists() else {}
    logins, made = {}, []  # without `mail`, only the accounts made before are kept
    with connect(None) as public:
        for name, spec in demo_data.LOGINS.items():
            slug = spec["cooperative"]
            member_id, address = None, spec.get("email")
            if spec.get("member"):
                member, _ = world["activities"][(slug, spec["member"])]
                member_id, address = member["id"], member["email"]
            record = known.get(name) or {}
            if record.get("email") != address or not _signs_in(public, record):
                if mail is None:
                    continue  # no mail catcher to read its invitation from
                record = _new_login(connect, public, world["keys"][slug], spec, address, member_id, mail)
                made.append(name)
            logins[name] = dict(record, cooperative=slug, role=spec["role"], member_id=member_id)
            known[name] = record
            store.parent.mkdir(parents=True, exist_ok=True)
            store.write_text(json.dumps(known, indent=2))
            store.chmod(0o600)
    progress(
        f"logins: {len(made)} made ({', '.join(made) or 'none'}), "
        f"{len(logins) - len(made)} kept (passwords in {store})"
    )
    return logins


def _session(public, record: dict) -> dict:
    return public.members.authenticate(
        {
            "email": record["email"],
            "password": record["password"],
            "client_address": "127.0.0.1",
            "user_agent": "coop demo",
        }
    )


def _signs_in(public, record: dict) -> bool:
    """The account is there and its password is the one kept (its session ended at once)."""
    if not record.get("password"):
        return False
    try:
        session = _session(public, record)
    except Forbidden:
        return False  # another installation's account, or this database was made anew
    public.members.sign_out({"session": session["session"]})
    return True


def _new_login(connect, public, admin_key: str, spec: dict, address: str, member_id, mail: Path) -> dict:
    import pyotp

    invitation = {
        "cooperative": spec["cooperative"],
        "email": address,
        "role": spec["role"],
        "language": demo_data.LOGIN_LANGUAGE,
    }
    if member_id:
        invitation["member_id"] = member_id
    since = time.time()
    with connect(admin_key) as rpc:
        try:
            rpc.members.invite_person(invitation)
        except Conflict:
            raise click.ClickException(
                f"{address} already holds a role in {spec['cooperative']} but its password is not the one "
                f"in {_logins_file()}: remove the demo's data (its databases and {data_dir() / 'demo'}) "
                "to make the demo anew"
            ) from None
    record = {"email": address, "password": secrets.token_urlsafe(18)}
    token = _invitation_token(mail, address, since)
    public.members.accept_invitation({"token": token, "password": record["password"]})
    try:
        session = _session(public, record)
    except Forbidden:
        raise click.ClickException(
            f"{address} already had a password before the demo invited it; remove the demo's data "
            f"(its databases and {data_dir() / 'demo'}) to make the demo anew"
        ) from None
    record.update(totp_secret=None, otpauth_uri=None, recovery_codes=[])
    if session["stage"] == "enrol_only":  # an admin: a second factor first (docs/adr/024)
        enrolment = public.members.begin_totp_enrolment({"session": session["session"]})
        confirmed = public.members.confirm_totp(
            {"session": session["session"], "code": pyotp.TOTP(enrolment["secret"]).now()}
        )
        record.update(
            totp_secret=enrolment["secret"],
            otpauth_uri=enrolment["provisioning_uri"],
            recovery_codes=confirmed["recovery_codes"],
            # the time step of the code just used: the next sign-in needs a later one (RFC 6238 §5.2)
            totp_last_step=int(time.time() // 30),
        )
    public.members.sign_out({"session": session["session"]})
    return record


INVITATION_LINK = re.compile(r"/invitation\?token=(inv_[A-Za-z0-9_-]+)")


def _invitation_token(folder: Path, address: str, since: float, timeout: float = 30) -> str:
    """The token of the newest invitation e-mailed to `address` since `since`, as it arrives."""
    deadline = time.monotonic() + timeout
    while True:
        found = []
        for path in sorted(folder.glob("*.eml")) if folder.exists() else []:
            if path.stat().st_mtime < since - 1:
                continue
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if (message["To"] or "").strip().lower() != address.lower():
                continue
            body = message.get_body(preferencelist=("plain",))
            link = INVITATION_LINK.search(body.get_content() if body else "")
            if link:
                found.append(link.group(1))
        if found:
            return found[-1]
        if time.monotonic() > deadline:
            raise click.ClickException(
                f"the invitation to {address} did not arrive in {folder} within {timeout:.0f} s"
            )
        time.sleep(0.3)


def _cooperatives(connect, platform_key: str, world: dict, progress) -> None:
    with connect(platform_key) as platform:
        for cooperative in (demo_data.DIES, demo_data.BRUCOOP):
            world["keys"][cooperative["slug"]] = _admin_key(connect, platform, cooperative)
    progress("cooperatives Dies (salaried entrepreneurs) and BRUCOOP (company directors) ready")


def _peppol(connect, world: dict, progress) -> None:
    """Each cooperative sends and receives its invoices over the `loopback` Peppol network."""
    for slug, key in world["keys"].items():
        with connect(key) as rpc:
            rpc.billing.set_peppol_settings(dict(demo_data.PEPPOL[slug]))
    progress("Peppol access points configured (loopback network on this machine)")


def _purchases(connect, world: dict, progress) -> None:
    """Dies reads its Peppol inbox and books each supplier invoice on an activity, once."""
    slug, first_name = demo_data.PURCHASES_ASSIGNED_TO
    _, activity = world["activities"][(slug, first_name)]
    with connect(world["keys"][slug]) as rpc:
        fetched = rpc.billing.fetch_purchase_documents()
        waiting = rpc.billing.list_purchase_documents({"status": "waiting"})["items"]
        for document in waiting:
            rpc.billing.assign_purchase_document({"id": document["id"], "activity_id": activity["id"]})
    progress(
        f"Dies: {fetched['received']} supplier invoice(s) received over Peppol, "
        f"{len(waiting)} booked on {activity['code']}"
    )


def _members_and_customers(connect, world: dict, today: date, progress) -> None:
    period_start = f"{world['period']}-01"
    people = demo_data.members(today)
    for slug, key in world["keys"].items():
        with connect(key) as rpc:
            for person, activity, model, parameters, documents in people[slug]:
                member, made = _member(rpc, person, activity, model, parameters, documents, period_start)
                world["activities"][(slug, person["first_name"])] = (member, made)
            world["customers"][slug] = [_customer(rpc, c) for c in demo_data.CUSTOMERS[slug]]
    progress(
        f"{sum(len(v) for v in people.values())} entrepreneurs with their activities, status and documents; "
        f"{sum(len(v) for v in demo_data.CUSTOMERS.values())} customers in French and Dutch"
    )


def _accompaniment(connect, world: dict, today: date, progress) -> None:
    """BRUCOOP's programme, its coach and its newcomer in the test phase at 0 % contribution;
    a second run finds them all (docs/domain/accompaniment.md)."""
    slug, first_name = demo_data.NEWCOMER
    member, activity = world["activities"][(slug, first_name)]
    period_start = f"{world['period']}-01"
    with connect(world["keys"][slug]) as rpc:
        programme = next(
            (p for p in rpc.members.list_programmes()["items"] if p["name"] == demo_data.PROGRAMME["name"]),
            None,
        )
        if programme is None:
            coach = rpc.members.issue_api_key({"cooperative": slug, "role": "staff", "label": "coach (demo)"})
            programme = rpc.members.create_programme(
                dict(demo_data.PROGRAMME, coach_key_ids=[coach["key_id"]])
            )
        enrolment = rpc.members.enrol_member(
            dict(
                demo_data.newcomer_enrolment(today),
                programme_id=programme["id"],
                member_id=member["id"],
                coach_key_id=programme["coach_key_ids"][0],
            )
        )
        if enrolment["phase"] == "intake":
            enrolment = rpc.members.move_phase(
                {"enrolment_id": enrolment["id"], "to": "test", "on": period_start}
            )
        rpc.members.set_contribution_rate(
            {
                "activity_id": activity["id"],
                "rate": "0",
                "valid_from": period_start,
                "valid_until": enrolment["test_phase_ends_on"],
            }
        )
    world["enrolment"] = (slug, enrolment["id"])
    progress(f"{slug}: {first_name} enrolled on '{programme['name']}', test phase at 0 % contribution")


def _accompaniment_rows(rpc, slug: str, world: dict) -> list[str]:
    if world.get("enrolment", (None,))[0] != slug:
        return []
    enrolment = rpc.members.get_enrolment(world["enrolment"][1])
    programme = rpc.members.get_programme(enrolment["programme_id"])
    member = rpc.members.get_member(enrolment["member_id"])
    since = enrolment["phase_history"][-1]["on"]
    gate = enrolment["right_to_work"] or {}
    return [
        f"accompaniment: {programme['name']} ({programme['enrolled']}/{programme['capacity']} enrolled; "
        f"funders {', '.join(programme['funders'])})",
        f"  {member['first_name']} {member['last_name']}: {enrolment['phase']} phase since {since}, "
        f"until {enrolment['test_phase_ends_on']} at most; in {enrolment['language']} "
        f"with a {enrolment['interpreter']} interpreter; {enrolment['hours_attended']} h attended",
        f"  work allowed from {gate.get('work_allowed_from')}; awaited: {gate.get('awaited') or 'nothing'}",
    ]


def _invoices(connect, world: dict, progress) -> dict:
    """Issue the demo's invoices; return, per cooperative, the statement lines that pay them."""
    paid_lines = {slug: [] for slug in world["keys"]}
    for number, (slug, first_name, customer_index, lines, paid) in enumerate(demo_data.INVOICES, start=1):
        customer = world["customers"][slug][customer_index]
        with connect(world["keys"][slug]) as rpc:
            _, activity = world["activities"][(slug, first_name)]
            draft = rpc.billing.create_invoice(
                {
                    "activity_id": activity["id"],
                    "customer_id": customer["id"],
                    "vat_regime": "standard",
                    "idempotency_key": f"demo-{slug}-{world['period']}-{number}",
                    "lines": [
                        {"description": d, "quantity": q, "unit_price": p, "vat_rate": r}
                        for d, q, p, r in lines
                    ],
                }
            )
            invoice = rpc.billing.issue_invoice(draft["id"])
        if paid:
            digits = "".join(ch for ch in invoice["structured_communication"] if ch.isdigit())
            paid_lines[slug].append(
                statement_files.Line(
                    Decimal(invoice["total_incl_vat"]),
                    ogm=digits,
                    name=customer["name"],
                    iban="BE62 5100 0754 7061",
                )
            )
    progress(f"{len(demo_data.INVOICES)} invoices issued under the cooperatives' names (PDF and e-mail each)")
    return paid_lines


def _bank_statements(connect, world: dict, paid_lines: dict, today: date, progress) -> None:
    """One CODA statement per cooperative: the paid invoices and a gift that no invoice claims."""
    for slug, lines in paid_lines.items():
        cooperative = demo_data.DIES if slug == "dies" else demo_data.BRUCOOP
        lines.append(
            statement_files.Line(
                Decimal("75.00"), text="don pour l'atelier", name="A. Martin", iban="BE21 0012 3456 7803"
            )
        )
        coda = statement_files.coda(
            cooperative["iban"].replace(" ", ""),
            cooperative["name"].upper(),
            1,
            Decimal("10000.00"),
            lines,
            today,
        )
        with connect(world["keys"][slug]) as rpc:
            result = rpc.billing.import_bank_statement(
                {"format": "coda", "content": base64.b64encode(coda.encode("latin-1")).decode()}
            )
        progress(
            f"{cooperative['name']}: bank statement imported — {result['matched']} matched, "
            f"{result['unmatched']} unmatched, {result['duplicates']} already booked"
        )


def _payroll(rpc, slug: str, world: dict, progress) -> None:
    """This month's run of one cooperative: each activity pays up to 3,500 of its balance."""
    period = world["period"]
    if rpc.payroll.list_payslips({"period": period})["total"]:
        progress(f"{slug}: payroll {period} already closed")
        return
    if slug == "brucoop":
        rpc.payroll.set_payroll_settings(
            {
                "social_fund_name": "Caisse d'assurances sociales (démo)",
                "social_fund_iban": "BE56 3631 2345 6788",
                "social_fund_fee_rate": "0.0305",
            }
        )
    items = []
    for (owner, _), (member, activity) in world["activities"].items():
        if owner != slug:
            continue
        balance = Decimal(rpc.billing.get_activity_account(activity["id"])["balance"])
        budget = min(balance, Decimal("3500.00")).quantize(Decimal("0.01"))
        if budget > 0 or member["first_name"] in ("Sofia", "Yonas"):
            items.append(
                {
                    "member_id": member["id"],
                    "activity_id": activity["id"],
                    "mode": "budget",
                    "amount": str(max(budget, Decimal("500.00"))),
                }
            )
    run = rpc.payroll.prepare_run({"period": period, "items": items})
    # The answer carries the run's first payslips only, and their count
    # (docs/adr/026-a-run-answers-its-first-payslips.md).
    if run["payslip_count"]:
        rpc.payroll.close_run(run["id"])
    progress(
        f"{slug}: payroll {period} — {run['payslip_count']} payslips closed, "
        f"{len(run['problems'])} refused: "
        + "; ".join(p.get("message", p.get("code", "?")) for p in run["problems"])
    )


def summary(connect, world: dict) -> str:
    """What the staff of each cooperative would read after the day."""
    out = []
    for slug, key in world["keys"].items():
        with connect(key) as rpc:
            cooperative = rpc.members.get_cooperative(slug)
            out.append(f"\n== {cooperative['name']} ({slug}) ==")
            out += _activity_rows(rpc, slug, world)
            out += _payslip_rows(rpc, slug, world)
            out += _accompaniment_rows(rpc, slug, world)
            out += _delivery_rows(rpc, slug, world)
            out += _mail_and_unmatched_rows(rpc)
            out += _vat_return_rows(rpc, world)
    return "\n".join(out)


def _vat_return_rows(rpc, world: dict) -> list[str]:
    """The month's VAT return from the books, once accounting has booked the month's invoices
    (its grid 54 reaches their VAT; a few seconds at most after the day)."""
    from coop_cli.accounting_commands import vat_return_lines

    period = world["period"]
    issued = rpc.billing.list_invoices({"issued_from": f"{period}-01", "kind": "invoice", "limit": 500})[
        "items"
    ]
    vat = sum((Decimal(i["total_vat"]) for i in issued if i["issue_date"].startswith(period)), Decimal(0))
    deadline = time.monotonic() + 15
    answer = rpc.accounting.vat_return({"period": period})
    while Decimal(answer["grids"]["54"]) < vat and time.monotonic() < deadline:
        time.sleep(0.5)
        answer = rpc.accounting.vat_return({"period": period})
    trial = rpc.accounting.trial_balance({"period": period})
    books = (
        f"books {period}: {len(trial['accounts'])} accounts, debit {trial['total_debit']} = "
        f"credit {trial['total_credit']}, balance {trial['balance']}"
    )
    return ["", *vat_return_lines(answer), books]


def _activity_rows(rpc, slug: str, world: dict) -> list[str]:
    rows = [
        f"{'activity':<38} {'invoiced':>10} {'received':>10} {'contrib.':>9} {'paid out':>10} {'balance':>10}"
    ]
    for (owner, first_name), (_member, activity) in world["activities"].items():
        if owner != slug:
            continue
        invoices = rpc.billing.list_invoices({"activity_id": activity["id"], "limit": 500})["items"]
        invoiced = sum((Decimal(i["total_excl_vat"]) for i in invoices if i["status"] != "draft"), Decimal(0))
        account = rpc.billing.get_activity_account({"activity_id": activity["id"]})
        by_kind = Counter()
        for entry in account["entries"]:
            by_kind[entry["kind"]] += Decimal(entry["amount"])
        label = f"{activity['code']} {activity['name']} ({first_name})"[:38]
        rows.append(
            f"{label:<38} {invoiced:>10.2f} {by_kind['revenue']:>10.2f} "
            f"{-by_kind['contribution']:>9.2f} {-by_kind['payroll']:>10.2f} "
            f"{Decimal(account['balance']):>10.2f}"
        )
    return rows


def _payslip_rows(rpc, slug: str, world: dict) -> list[str]:
    names = {
        m["id"]: f"{m['first_name']} {m['last_name']}"
        for (o, _), (m, _) in world["activities"].items()
        if o == slug
    }
    rows = [f"\npayslips {world['period']}:"]
    for slip in rpc.payroll.list_payslips({"period": world["period"]})["items"]:
        rows.append(
            f"  {names.get(slip['member_id'], slip['member_id']):<22} gross {slip['gross']:>9}  "
            f"net {slip['net_to_pay']:>9}  cost {slip['total_cost']:>9}  ({slip['rules_version']})"
        )
    return rows


def _delivery_rows(rpc, slug: str, world: dict) -> list[str]:
    """How each invoice reached its customer: over Peppol (and its status) or by e-mail (why)."""
    names = {c["id"]: c["name"] for c in world["customers"][slug]}
    rows = ["\ninvoice delivery:"]
    for invoice in sorted(
        rpc.billing.list_invoices({"limit": 500})["items"], key=lambda i: i["number"] or ""
    ):
        delivery = invoice.get("delivery") or {}
        why = (
            f"  ({delivery['reason']})"
            if delivery.get("channel") == "email" and delivery.get("reason")
            else ""
        )
        rows.append(
            f"  {invoice['number']:<20} {names.get(invoice['customer_id'], '?')[:24]:<24} "
            f"{delivery.get('channel', '-'):<7} {delivery.get('status', '-')}{why}"
        )
    received = rpc.billing.list_purchase_documents({"limit": 500})["items"]
    if received:
        rows.append(
            "received over Peppol: "
            + ", ".join(
                f"{d['number']} from {d['supplier_name']} ({d['total_excl_vat']} excl. VAT, {d['status']})"
                for d in received
            )
        )
    return rows


def _mail_and_unmatched_rows(rpc) -> list[str]:
    deliveries = rpc.notifications.list_deliveries({"limit": 500})["items"]
    counts = Counter((d["template"] or d["channel"], d["status"]) for d in deliveries)
    unmatched = rpc.billing.list_unmatched_payments()["items"]
    unmatched_text = ", ".join(
        f"{p['amount']} from {p['counterparty_name']} ({p['bank_reference']})" for p in unmatched
    )
    return [
        "\ne-mails: "
        + ", ".join(f"{template} {status} ×{n}" for (template, status), n in sorted(counts.items())),
        "unmatched payments: " + (unmatched_text or "none"),
    ]


def console_address(config: dict | None = None) -> str:
    """Where `coop run` serves the console and the portal (coop_web.settings: COOP_HTTP_HOST and
    COOP_HTTP_PORT, 127.0.0.1:8000 by default)."""
    from coop_web.settings import WebSettings

    settings = WebSettings.load(config)
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    return f"http://{host}:{settings.port}/"


def _answers(address: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(address + "sign-in", timeout=3) as answer:
            return answer.status == 200
    except OSError:
        return False


def logins_text(world: dict, address: str) -> str:
    """The console's address and how each of the demo's people signs in."""
    out = [f"\nConsole and portal: {address}  (sign in at {address}sign-in)"]
    if not _answers(address):
        out.append("  (not answering now: another program may hold the port; set COOP_HTTP_PORT)")
    if not world.get("logins"):
        out.append("No logins made: the demo reads their invitations from its mail catcher, absent here.")
        return "\n".join(out)
    out.append(f"Logins (passwords, TOTP secrets and recovery codes kept in {_logins_file()}):")
    names = {
        (s, m["id"]): f"{m['first_name']} {m['last_name']}, {a['code']}"
        for (s, _), (m, a) in world["activities"].items()
    }
    for login in world["logins"].values():
        cooperative = "Dies" if login["cooperative"] == "dies" else "BRUCOOP"
        who = (
            f"entrepreneur ({names.get((login['cooperative'], login['member_id']), login['member_id'])}), portal"
            if login["role"] == "member"
            else f"{login['role']} (staff), console"
        )
        out.append(f"  {cooperative} {who}:")
        out.append(f"    e-mail:   {login['email']}")
        out.append(f"    password: {login['password']}")
        if login.get("totp_secret"):
            out.append(
                f"    second factor: TOTP secret {login['totp_secret']} (add it to an authenticator app)"
            )
            out.append(f"    {login['otpauth_uri']}")
    return "\n".join(out)


def run_demo(keep_running: bool) -> None:
    import logging

    from coop_shared.client import connect as client_connect

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s %(message)s")
    logging.getLogger("amqp").setLevel(logging.ERROR)  # harmless notices when a client closes its channel
    progress = Progress()
    amqp_uri = suite.nameko_config()["AMQP_URI"]
    suite.require_broker(amqp_uri)
    platform_key = os.environ.get("COOP_PLATFORM_KEY")
    key_file = data_dir() / "demo" / "platform-key"
    address = console_address()
    local = None
    if not _running(amqp_uri):
        key_file.parent.mkdir(parents=True, exist_ok=True)
        if not platform_key:
            platform_key = key_file.read_text().strip() if key_file.exists() else secrets.token_urlsafe(32)
            key_file.write_text(platform_key)
        local = LocalSuite(data_dir() / "demo", platform_key)
        local.start(amqp_uri, progress, address)
    elif not platform_key and key_file.exists():
        platform_key = key_file.read_text().strip()  # the suite an earlier `coop demo --keep-running` left
    elif not platform_key:
        raise click.ClickException("a suite is running: set COOP_PLATFORM_KEY to its platform key")
    # the invitations of the logins arrive in the mail catcher's folder (a suite started by an
    # earlier `coop demo --keep-running` has one; another suite's e-mails go elsewhere: no logins)
    mail = local.mail if local is not None else data_dir() / "demo" / "mail"
    mail = mail if local is not None or mail.exists() else None
    try:

        def connect(secret):
            return client_connect(amqp_uri, secret, timeout=60)

        world = build(connect, platform_key, brussels_today(), progress, mail=mail)
        deadline = time.monotonic() + 15
        with connect(world["keys"]["dies"]) as rpc:  # give the e-mails a moment to leave
            while (
                time.monotonic() < deadline
                and rpc.notifications.list_deliveries({"status": "pending"})["total"]
            ):
                time.sleep(0.5)
        progress("done")
        click.echo(summary(connect, world))
        click.echo(logins_text(world, address))
    finally:
        if local is not None and not keep_running:
            local.stop()
        elif local is not None:
            pids = " ".join(str(process.pid) for process in local.processes)
            (data_dir() / "demo" / "suite.pids").write_text(pids + "\n")
            click.echo(
                f"\nThe suite and the console keep running at {address} (platform key in {key_file}; "
                f"log in {data_dir() / 'demo' / 'suite.log'}).\nStop them with: kill {pids}"
            )
