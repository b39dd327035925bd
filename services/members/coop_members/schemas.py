"""marshmallow schemas of every members payload (what comes in; views.py shapes what goes out)."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from coop_members.domain import accompaniment
from coop_members.domain.lifecycle import TARGETS, Lifecycle
from coop_shared.credentials import COOPERATIVE_ROLES, MEMBER
from coop_shared.retention import Category
from coop_shared.schema_fields import BelgianVatNumber, Bic, EnterpriseNumber, Iban, NationalNumber, Rate
from coop_shared.wire_schemas import COUNTRY, LANGUAGES, SLUG, AddressSchema, PageSchema


class OnssNumber(fields.String):
    """The employer's ONSS registration number: 9 or 10 digits, kept without separators."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        digits = "".join(c for c in text if c not in " .-/")
        if not digits.isdigit() or not 9 <= len(digits) <= 10:
            raise ValidationError("An ONSS registration number has 9 or 10 digits.")
        return digits


class CreateCooperativeSchema(Schema):
    slug = fields.String(required=True, validate=SLUG)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    legal_form = fields.String(load_default=None, validate=validate.Length(1, 20))
    register = fields.String(load_default=None, validate=validate.Length(1, 60))
    enterprise_number = EnterpriseNumber(required=True)
    onss_number = OnssNumber(load_default=None)
    vat_number = BelgianVatNumber(required=True)
    iban = Iban(required=True)
    bic = Bic(load_default=None)
    address = fields.Nested(AddressSchema, required=True)
    email = fields.Email(required=True)
    languages = fields.List(
        fields.String(validate=validate.OneOf(LANGUAGES)), required=True, validate=validate.Length(min=1)
    )
    status_models = fields.List(fields.String(validate=validate.Length(1, 40)), load_default=list)
    contribution_rate = Rate(required=True)
    # Belgian law caps B2B payment terms at 60 days (law of 2 August 2002, docs/domain/late-payment.md).
    payment_terms_days = fields.Integer(load_default=30, validate=validate.Range(1, 60))

    @validates_schema
    def vat_matches_enterprise(self, data, **kwargs):
        if (
            data.get("vat_number")
            and data.get("enterprise_number")
            and data["vat_number"][2:] != data["enterprise_number"]
        ):
            raise ValidationError("The VAT number is BE followed by the enterprise number.", "vat_number")


class UpdateCooperativeSchema(Schema):
    """What a cooperative's admin may change after its creation: its ONSS number (once it employs)."""

    cooperative = fields.String(validate=SLUG)
    onss_number = OnssNumber(required=True, allow_none=True)


class CooperativeSlugSchema(Schema):
    """A cooperative named by its slug (the payload may be the bare slug string)."""

    slug = fields.String(required=True)


class IssueApiKeySchema(Schema):
    cooperative = fields.String(required=True, validate=SLUG)
    role = fields.String(required=True, validate=validate.OneOf(COOPERATIVE_ROLES))
    label = fields.String(required=True, validate=validate.Length(1, 200))
    member_id = fields.UUID(load_default=None)

    @validates_schema
    def member_key_names_member(self, data, **kwargs):
        if data.get("role") == MEMBER and not data.get("member_id"):
            raise ValidationError("A member key names its member.", "member_id")


class RegisterMemberSchema(Schema):
    cooperative = fields.String(validate=SLUG)
    first_name = fields.String(required=True, validate=validate.Length(1, 100))
    last_name = fields.String(required=True, validate=validate.Length(1, 100))
    email = fields.Email(required=True)
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    birth_date = fields.Date(load_default=None)
    national_number = NationalNumber(load_default=None)
    nationality = fields.String(load_default=None, validate=COUNTRY)
    iban = Iban(load_default=None)
    address = fields.Nested(AddressSchema, load_default=None)


class ListMembersSchema(PageSchema):
    cooperative = fields.String(validate=SLUG)
    lifecycle = fields.String(validate=validate.OneOf(tuple(Lifecycle)))
    q = fields.String(validate=validate.Length(1, 100))
    # Exact search by national number, through its keyed hash (the numbers are sealed at rest).
    national_number = NationalNumber()


# A payroll client sends its members in chunks of this many (issue 18: one round trip a chunk).
MAX_MEMBERS_PER_CALL = 1000


class GetMembersSchema(Schema):
    ids = fields.List(fields.UUID(), required=True, validate=validate.Length(1, MAX_MEMBERS_PER_CALL))
    right_to_work_on = fields.Date(load_default=None)


class AddActivitySchema(Schema):
    cooperative = fields.String(validate=SLUG)
    member_id = fields.UUID(required=True)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    sector = fields.String(load_default=None, validate=validate.Length(1, 100))
    trade_name = fields.String(load_default=None, validate=validate.Length(1, 200))


DOCUMENT_KINDS = (
    "id_card",
    "residence_card",
    "work_authorisation",
    "professional_card",
    # An applicant for international protection: the annex 26, then the orange card
    # (attestation d'immatriculation), docs/domain/right-to-work.md.
    "annex_26",
    "orange_card",
)


class SetStatusModelSchema(Schema):
    member_id = fields.UUID(required=True)
    status_model = fields.String(required=True, validate=validate.Length(1, 40))
    valid_from = fields.Date(required=True)
    parameters = fields.Dict(load_default=dict)


class ChangeLifecycleSchema(Schema):
    member_id = fields.UUID(required=True)
    to = fields.String(required=True, validate=validate.OneOf(TARGETS))
    effective_on = fields.Date(required=True)
    reason = fields.String(load_default=None, validate=validate.Length(1, 500))


class RecordDocumentSchema(Schema):
    member_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(DOCUMENT_KINDS))
    reference = fields.String(required=True, validate=validate.Length(1, 100))
    valid_from = fields.Date(load_default=None)
    valid_until = fields.Date(load_default=None)
    labour_market = fields.String(
        load_default=None, validate=validate.OneOf(("unlimited", "limited", "none"))
    )

    @validates_schema
    def dates_in_order(self, data, **kwargs):
        if data.get("valid_from") and data.get("valid_until") and data["valid_until"] < data["valid_from"]:
            raise ValidationError("A document cannot expire before it starts.", "valid_until")


class RightToWorkSchema(Schema):
    member_id = fields.UUID(required=True)
    on = fields.Date(required=True)


class ListExpiringDocumentsSchema(PageSchema):
    """The documents whose expiry falls from today to `within_days` days ahead."""

    within_days = fields.Integer(load_default=30, validate=validate.Range(0, 366))


# Accompaniment (docs/domain/accompaniment.md)


class PhaseSchema(Schema):
    phase = fields.String(required=True, validate=validate.OneOf(accompaniment.PHASES))
    max_months = fields.Integer(load_default=None, validate=validate.Range(1, 60))


class CreateProgrammeSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 200))
    phases = fields.List(fields.Nested(PhaseSchema), load_default=None)
    funders = fields.List(fields.String(validate=validate.Length(1, 200)), load_default=list)
    eligibility = fields.List(
        fields.String(validate=validate.OneOf(accompaniment.LABOUR_SITUATIONS)), load_default=list
    )
    capacity = fields.Integer(required=True, validate=validate.Range(1, 10000))
    coach_key_ids = fields.List(fields.UUID(), required=True, validate=validate.Length(min=1))
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(load_default=None)

    @validates_schema
    def test_phase_at_most_18_months(self, data, **kwargs):
        for phase in data.get("phases") or []:
            if phase["phase"] == accompaniment.TEST and (phase.get("max_months") or 0) > 18:
                raise ValidationError("The test phase lasts at most 18 months.", "phases")


class ProfileSchema(Schema):
    labour_situation = fields.String(required=True, validate=validate.OneOf(accompaniment.LABOUR_SITUATIONS))
    education_level = fields.String(
        load_default=None, validate=validate.OneOf(accompaniment.EDUCATION_LEVELS)
    )
    languages = fields.List(fields.String(validate=validate.Length(2, 2)), load_default=list)


class MilestoneSchema(Schema):
    text = fields.String(required=True, validate=validate.Length(1, 300))
    due_on = fields.Date(load_default=None)


class EnrolMemberSchema(Schema):
    programme_id = fields.UUID(required=True)
    member_id = fields.UUID(required=True)
    coach_key_id = fields.UUID(required=True)
    entered_on = fields.Date(required=True)
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    interpreter = fields.String(load_default=None, validate=validate.Length(1, 60))
    profile = fields.Nested(ProfileSchema, required=True)
    goals = fields.List(fields.String(validate=validate.Length(1, 300)), load_default=list)
    milestones = fields.List(fields.Nested(MilestoneSchema), load_default=list)
    protection_applied_on = fields.Date(load_default=None)
    first_decision_on = fields.Date(load_default=None)

    @validates_schema
    def applicant_names_the_application(self, data, **kwargs):
        profile = data.get("profile") or {}
        if profile.get("labour_situation") == accompaniment.APPLICANT and not data.get(
            "protection_applied_on"
        ):
            raise ValidationError(
                "An applicant for international protection has an application date.", "protection_applied_on"
            )


class MovePhaseSchema(Schema):
    enrolment_id = fields.UUID(required=True)
    to = fields.String(required=True, validate=validate.OneOf(accompaniment.PHASES[1:]))
    on = fields.Date(required=True)
    status_model = fields.String(load_default=None, validate=validate.OneOf(accompaniment.LAUNCH_MODELS))
    parameters = fields.Dict(load_default=dict)
    exit_outcome = fields.String(load_default=None, validate=validate.OneOf(accompaniment.EXIT_OUTCOMES))
    exit_profile = fields.Nested(ProfileSchema, load_default=None)

    @validates_schema
    def what_each_move_needs(self, data, **kwargs):
        if data.get("to") == accompaniment.LAUNCH and not data.get("status_model"):
            raise ValidationError(
                "The launch names the status model (be_salaried or be_director).", "status_model"
            )
        if data.get("to") == accompaniment.EXIT and not data.get("exit_outcome"):
            raise ValidationError("An exit names its outcome.", "exit_outcome")


class ScheduleAppointmentSchema(Schema):
    enrolment_id = fields.UUID(required=True)
    kind = fields.String(load_default="appointment", validate=validate.OneOf(accompaniment.APPOINTMENT_KINDS))
    title = fields.String(required=True, validate=validate.Length(1, 200))
    starts_at = fields.AwareDateTime(required=True)
    duration_minutes = fields.Integer(required=True, validate=validate.Range(5, 600))


class RecordAttendanceSchema(Schema):
    appointment_id = fields.UUID(required=True)
    attended = fields.Boolean(required=True)


class AddCoachingNoteSchema(Schema):
    enrolment_id = fields.UUID(required=True)
    text = fields.String(required=True, validate=validate.Length(1, 10000))


class EnrolmentRefSchema(Schema):
    enrolment_id = fields.UUID(required=True)


class SetContributionRateSchema(Schema):
    activity_id = fields.UUID(required=True)
    rate = Rate(required=True)
    valid_from = fields.Date(required=True)
    valid_until = fields.Date(load_default=None)

    @validates_schema
    def dates_in_order(self, data, **kwargs):
        if data.get("valid_until") and data.get("valid_from") and data["valid_until"] < data["valid_from"]:
            raise ValidationError("A rate cannot end before it starts.", "valid_until")


class FunderReportSchema(Schema):
    programme_id = fields.UUID(required=True)
    from_ = fields.Date(required=True, data_key="from")
    to = fields.Date(required=True)
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv", "pdf")))
    nominative = fields.Boolean(load_default=False)


class ContributionRateOnSchema(Schema):
    activity_id = fields.UUID(required=True)
    on = fields.Date(required=True)


class ListProgrammesSchema(Schema):
    """No field yet: an empty payload lists every programme of the caller's cooperative."""


class RunAppointmentRemindersSchema(Schema):
    within_hours = fields.Integer(
        load_default=accompaniment.REMINDER_HOURS, validate=validate.Range(1, accompaniment.REMINDER_HOURS)
    )


# Rectification of a member's data (GDPR art. 16; docs/domain/personal-data.md). Only the fields
# given change; each change is kept in the member's history.

REASON = fields.String(load_default=None, validate=validate.Length(1, 500))


class UpdateMemberIdentitySchema(Schema):
    member_id = fields.UUID(required=True)
    first_name = fields.String(validate=validate.Length(1, 100))
    last_name = fields.String(validate=validate.Length(1, 100))
    birth_date = fields.Date(allow_none=True)
    national_number = NationalNumber(allow_none=True)
    reason = REASON

    @validates_schema
    def something_to_change(self, data, **kwargs):
        if not set(data) & {"first_name", "last_name", "birth_date", "national_number"}:
            raise ValidationError(
                "Name at least one of first_name, last_name, birth_date, national_number.", "_schema"
            )


class UpdateMemberAddressSchema(Schema):
    member_id = fields.UUID(required=True)
    address = fields.Nested(AddressSchema, required=True, allow_none=True)
    reason = REASON


class UpdateMemberIbanSchema(Schema):
    member_id = fields.UUID(required=True)
    iban = Iban(required=True, allow_none=True)
    reason = REASON


class MemberRefSchema(Schema):
    member_id = fields.UUID(required=True)


class NationalNumbersRequestSchema(Schema):
    """What a service of the suite asks to print the full numbers on legal documents."""

    member_ids = fields.List(fields.UUID(), required=True, validate=validate.Length(1, 1000))
    purpose = fields.String(
        required=True, validate=validate.OneOf(("payslip", "tax_form", "social_declaration"))
    )


class ExportMemberDataSchema(Schema):
    member_id = fields.UUID(required=True)
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "zip")))


class EraseMemberSchema(Schema):
    member_id = fields.UUID(required=True)
    # Categories the request insists on: one the law keeps refuses the whole request.
    categories = fields.List(fields.String(validate=validate.OneOf(tuple(Category))), load_default=list)


class ListApiKeysSchema(PageSchema):
    """Every key of the cooperative (the platform names it), never a secret."""

    cooperative = fields.String(validate=SLUG)
    revoked = fields.Boolean(load_default=None)  # only revoked keys, or only live ones


class AuditLogSchema(PageSchema):
    """The audit log of the caller's cooperative, newest first (docs/adr/021-nothing-run-twice-and-the-trail.md)."""

    kind = fields.String(validate=validate.OneOf(("admin", "money")))
    service = fields.String(
        validate=validate.OneOf(("members", "billing", "payroll", "notifications", "accounting"))
    )
    action = fields.String(validate=validate.Length(1, 80))
    key_id = fields.UUID()
    date_from = fields.Date()  # Brussels days, both inclusive
    date_to = fields.Date()

    @validates_schema
    def dates_in_order(self, data, **kwargs):
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise ValidationError("The end date cannot precede the start date.", "date_to")


# Accounts for people (docs/adr/024-accounts-for-people.md)

_SECRET = validate.Length(1, 200)  # tokens, passwords and codes: bounded before any hashing


class InvitePersonSchema(Schema):
    cooperative = fields.String(required=True, validate=SLUG)
    email = fields.Email(required=True)
    role = fields.String(required=True, validate=validate.OneOf(COOPERATIVE_ROLES))
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    member_id = fields.UUID(load_default=None)


class AcceptInvitationSchema(Schema):
    token = fields.String(required=True, validate=_SECRET)
    password = fields.String(load_default=None, validate=_SECRET)  # not needed by someone who has one


class PasswordResetRequestSchema(Schema):
    email = fields.Email(required=True)
    # The caller's address, as for authenticate: reset e-mails are throttled per address too
    # (domain/login_throttle.py, docs/adr/024-accounts-for-people.md).
    client_address = fields.IP(required=True)


class ResetPasswordSchema(Schema):
    token = fields.String(required=True, validate=_SECRET)
    password = fields.String(required=True, validate=_SECRET)


class AuthenticateSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(1, 254))  # any text: same answer
    password = fields.String(required=True, validate=_SECRET)
    client_address = fields.IP(required=True)
    user_agent = fields.String(load_default=None, validate=validate.Length(max=1000))
    cooperative = fields.String(load_default=None, validate=SLUG)


class SessionTokenSchema(Schema):
    session = fields.String(required=True, validate=_SECRET)


class SelectCooperativeSchema(SessionTokenSchema):
    cooperative = fields.String(required=True, validate=SLUG)


class TotpCodeSchema(SessionTokenSchema):
    code = fields.String(required=True, validate=validate.Length(1, 20))


class SecondFactorSchema(SessionTokenSchema):
    code = fields.String(load_default=None, validate=validate.Length(1, 20))
    recovery_code = fields.String(load_default=None, validate=validate.Length(1, 40))

    @validates_schema
    def one_of_the_two(self, data, **kwargs):
        if bool(data.get("code")) == bool(data.get("recovery_code")):
            raise ValidationError("Give either a code or a recovery code.", "code")


class ChangePasswordSchema(Schema):
    current_password = fields.String(required=True, validate=_SECRET)
    new_password = fields.String(required=True, validate=_SECRET)
