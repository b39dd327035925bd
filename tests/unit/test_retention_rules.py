"""The retention periods (coop_shared.retention, docs/domain/retention.md) and members'
retention and erasure on the fake unit of work."""

from datetime import date

import pytest

from coop_members.handlers import cooperatives, lifecycle, members, privacy
from coop_members.orm import Base, CoachingNote, Document
from coop_members.repository import MembersRepository
from coop_members.schemas import CreateCooperativeSchema, RegisterMemberSchema
from coop_shared import retention
from coop_shared.credentials import ADMIN, PLATFORM, Identity
from coop_shared.errors import BusinessRuleViolation, Forbidden
from coop_shared.retention import ERASED, Category, is_past, kept_until, latest_past_reference
from tests.fixtures_data import AMINA, DIES
from tests.unit.fake_uow import FakeUnitOfWork


def test_an_invoice_of_2026_is_kept_until_the_end_of_2036():
    # VAT Code art. 60 §3: ten years from 1 January after the issue
    assert kept_until(Category.INVOICES, date(2026, 3, 5)) == date(2036, 12, 31)
    assert not is_past(Category.INVOICES, date(2026, 3, 5), date(2036, 12, 31))
    assert is_past(Category.INVOICES, date(2026, 3, 5), date(2037, 1, 1))


def test_an_invoice_of_2022_falls_under_the_older_seven_years():
    period = retention.period(Category.INVOICES, date(2022, 6, 1))
    assert (period.years, period.uncertain) == (7, True)
    assert kept_until(Category.INVOICES, date(2022, 6, 1)) == date(2029, 12, 31)


def test_payslips_are_kept_five_years_after_their_year():
    assert kept_until(Category.PAYROLL_SOCIAL, date(2026, 12, 31)) == date(2031, 12, 31)


def test_periods_in_days_run_from_the_day_itself():
    assert kept_until(Category.NOTIFICATION_DELIVERIES, date(2026, 1, 1)) == date(2026, 4, 1)
    assert kept_until(Category.OUTBOX_INBOX, date(2026, 12, 1)) == date(2026, 12, 31)
    assert kept_until(Category.COACHING_NOTES, date(2024, 2, 29)) == date(2025, 2, 28)


@pytest.mark.parametrize("category", list(Category))
def test_no_record_past_its_period_is_dated_after_the_latest_past_reference(category):
    today = date(2040, 3, 15)
    last = latest_past_reference(category, today)
    assert not is_past(category, date.fromordinal(last.toordinal() + 1), today)
    several = len([p for p in retention.PERIODS if p.category == category]) > 1
    assert is_past(category, last, today) or several  # exact unless an older, shorter period exists


def test_an_open_enrolment_is_never_past():
    assert not is_past(Category.COACHING_NOTES, None, date(2099, 1, 1))


def test_every_period_names_its_source():
    assert all(p["source"] for p in retention.policy())
    assert {p["category"] for p in retention.policy()} == {str(c) for c in Category}


def test_an_erased_snapshot_keeps_the_language_and_the_numbers():
    snapshot = {"name": "Amina Diallo", "language": "fr", "iban": "BE46735123456736", "hours": 38}
    assert retention.erased_snapshot(snapshot, ("language",)) == {
        "name": ERASED,
        "language": "fr",
        "iban": ERASED,
        "hours": 38,
    }


# members on the fake unit of work


@pytest.fixture
def uow():
    return FakeUnitOfWork(Base.metadata, repository=MembersRepository)


def admin_of(uow):
    from coop_members.handlers import api_keys

    platform = Identity(role=PLATFORM)
    cooperatives.create_cooperative(uow, platform, CreateCooperativeSchema().load(DIES))
    key = api_keys.issue_api_key(uow, platform, {"cooperative": "dies", "role": ADMIN, "label": "admin"})
    return api_keys.identity_for_secret(uow, key["secret"])


def exited_amina(uow, admin, on=date(2026, 11, 30)):
    member = members.register_member(uow, admin, RegisterMemberSchema().load(AMINA))
    uow.repo.add(
        Document(
            cooperative_id=admin.cooperative_id, member_id=member["id"], kind="annex_26", reference="A26-1"
        )
    )
    lifecycle.change_lifecycle(
        uow, admin, {"member_id": member["id"], "to": "exited", "effective_on": on}, on
    )
    uow.repo.flush()
    return uow.repo.member(admin.cooperative_id, member["id"])


def test_retention_pseudonymises_a_member_who_left_long_ago_and_a_dry_run_changes_nothing(uow):
    admin = admin_of(uow)
    member = exited_amina(uow, admin)
    dry = privacy.apply_retention(uow, date(2032, 1, 1), dry_run=True)
    assert dry["categories"]["member_identity"] == {"members": 1}
    assert member.last_name == "Diallo"
    done = privacy.apply_retention(uow, date(2032, 1, 1), dry_run=False)
    assert done["categories"]["right_to_work_documents"] == {"documents": 1}
    assert (member.first_name, member.email, member.national_number, member.iban) == (
        ERASED,
        f"erased-{member.id[:8]}@erased.invalid",
        None,
        None,
    )
    assert member.last_name == f"erased {member.id[:8]}" and uow.repo.documents_of(member.id) == []
    assert privacy.apply_retention(uow, date(2032, 1, 1), dry_run=False)["categories"] == {}


def test_the_identity_stays_within_its_period(uow):
    admin = admin_of(uow)
    member = exited_amina(uow, admin)
    report = privacy.apply_retention(uow, date(2031, 12, 31), dry_run=False)
    assert "member_identity" not in report["categories"] and member.last_name == "Diallo"


class Service:
    """A fake of one other service answering erasure requests."""

    def __init__(self, kept=()):
        self.kept, self.calls = list(kept), []

    def erase_person_data(self, reference):
        self.calls.append(reference["dry_run"])
        return {"erased": [], "kept": self.kept}


def test_erasure_keeps_invoices_with_their_reason_and_refuses_when_insisted_on(uow):
    admin = admin_of(uow)
    member = exited_amina(uow, admin)
    invoices = {
        "category": "invoices",
        "until": "2036-12-31",
        "reason": "invoices must be kept 10 years: VAT Code art. 60 §3",
    }
    actors = {s: Service() for s in privacy.OTHER_SERVICES}
    actors["billing"] = Service([invoices])
    with pytest.raises(BusinessRuleViolation) as refused:
        privacy.erase_member(
            uow, admin, actors, {"member_id": member.id, "categories": ["invoices"]}, date(2026, 12, 1)
        )
    assert "invoices must be kept until 2036-12-31" in refused.value.message
    assert member.last_name == "Diallo" and actors["billing"].calls == [True]  # nothing erased

    answer = privacy.erase_member(uow, admin, actors, {"member_id": member.id}, date(2026, 12, 1))
    assert invoices in answer["kept"]
    # no payslip names her: the identity goes now; the right-to-work document waits a year
    assert {"service": "members", "category": "member_identity", "count": 1} in answer["erased"]
    assert {k["category"]: k["until"] for k in answer["kept"]}["right_to_work_documents"] == "2027-11-30"
    assert member.first_name == ERASED and actors["billing"].calls == [True, True, False]


def test_only_an_admin_erases_and_only_after_the_exit(uow):
    admin = admin_of(uow)
    member = members.register_member(uow, admin, RegisterMemberSchema().load(AMINA))
    actors = {s: Service() for s in privacy.OTHER_SERVICES}
    with pytest.raises(BusinessRuleViolation):
        privacy.erase_member(uow, admin, actors, {"member_id": member["id"]}, date(2026, 12, 1))
    staff = Identity(role="staff", cooperative_id=admin.cooperative_id, cooperative="dies", key_id="k")
    with pytest.raises(Forbidden):
        privacy.erase_member(uow, staff, actors, {"member_id": member["id"]}, date(2026, 12, 1))


def test_coaching_notes_go_a_year_after_the_exit(uow):
    from coop_members.orm import Enrolment, Programme

    admin = admin_of(uow)
    member = exited_amina(uow, admin)
    programme = Programme(
        cooperative_id=admin.cooperative_id,
        name="P",
        phases=[],
        funders=[],
        eligibility=[],
        capacity=1,
        coach_key_ids=[admin.key_id],
        starts_on=date(2026, 1, 1),
    )
    uow.repo.add(programme)
    uow.repo.flush()
    enrolment = Enrolment(
        cooperative_id=admin.cooperative_id,
        programme_id=programme.id,
        member_id=member.id,
        coach_key_id=admin.key_id,
        phase="test",
        language="fr",
        interpreter="Pular",
        entry_profile={"labour_situation": "job_seeker"},
        goals=["open a shop"],
        milestones=[],
    )
    uow.repo.add(enrolment)
    uow.repo.flush()
    uow.repo.add(CoachingNote(enrolment_id=enrolment.id, author_key_id=admin.key_id, text="private"))
    uow.repo.flush()
    assert (
        "coaching_notes" not in privacy.apply_retention(uow, date(2027, 11, 30), dry_run=False)["categories"]
    )
    done = privacy.apply_retention(uow, date(2027, 12, 1), dry_run=False)
    assert done["categories"]["coaching_notes"] == {"notes": 1, "enrolments": 1}
    assert uow.repo.coaching_notes(enrolment.id) == [] and enrolment.interpreter is None


def test_the_command_line_reports_per_service_and_category():
    from coop_cli.privacy_commands import report_lines

    answer = {
        "as_of": "2060-01-01",
        "dry_run": True,
        "services": {
            "members": {"categories": {"member_identity": {"members": 1}}},
            "billing": {"categories": {}},
        },
    }
    assert report_lines(answer) == [
        "retention as of 2060-01-01 (dry run: nothing changed)",
        "  members member_identity: would erase 1 members",
        "  billing: nothing past its period",
    ]


def test_the_timer_commits_its_run(uow):
    admin = admin_of(uow)
    member = exited_amina(uow, admin)
    privacy.retention_timer(uow, date(2032, 1, 1))
    assert uow.committed and member.first_name == ERASED
