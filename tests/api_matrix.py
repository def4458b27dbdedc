"""SPEC §2 written out for the tests, and the table behind the generated API tests.

- ROLES and MAY: which of the four roles may do each access-policy permission, written by hand from
  SPEC §2 (not read from portal.access): tests/test_access_policy.py checks `access.can` against it.
- WRITES: the permission each write route of the API needs, written by hand. The access matrix
  expects a write to be allowed exactly when MAY lets the role do that permission.
- MATRIX: one row per registered API resource, saying what each role sees of it (ALL rows, SOME or
  NONE). tests/test_api_access_matrix.py and tests/test_api_query_counts.py walk the router in
  config/api_urls.py and look every resource up here by its basename; a resource registered there
  without a row fails `test_every_registered_resource_has_a_matrix_row`.

Every record is made per test, through the services and the factories (programmes.factories,
steering.factories), in a World: one person per role, and the finance lead's authority. The world's
records are "ours" (the lead's authority, its DBV enrolment delivered by Newton Europe, whose partner
is the world's partner); each row's `prepare` also makes "theirs" (another authority, its DBV
enrolment delivered by CIPFA only), so the lead and the partner each see some rows and not others.
`grow(world, n)` adds n rows (and nested rows) for the query-count test, visible to as many roles as
the policy allows. Reference data (authorities, programmes, cohorts, the 55 DBV invitations, steering
seats, published DSG figures) is in the test database; no demo record or account is used.

Records are dated as at FROZEN_AT (the tests run under time_machine at that moment). Stored files go to
MEDIA_ROOT, which tests/conftest.py points at a temporary folder.

To add a resource: register it in config/api_urls.py, then add its writes to WRITES and a Row here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from authorities.factories import DsgFigureFactory, FinanceLeadFactory, LocalAuthorityFactory
from authorities.models import LocalAuthority
from portal.access import Permission
from portal.factories import DeliveryPartnerFactory, DfeOfficialFactory, SteeringMemberFactory
from portal.financial_year import FinancialYear
from portal.models import User
from portal.roles import DeliveryPartner
from programmes import factories as programmes_factories
from programmes.models import Enrolment, EnrolmentStatus, ProgrammeCode
from steering import factories as steering_factories

ALL, SOME, NONE = "all", "some", "none"

# --- SPEC §2: who may do what (written by hand; the specification, not the code) -----------------

DFE, PARTNER, LEAD, MEMBER = "dfe_official", "delivery_partner", "la_finance_lead", "steering_member"
ROLES = [DFE, PARTNER, LEAD, MEMBER]

MAY: dict[Permission, set[str]] = {
    # DfE officials: "manages authorities, programmes, cohorts and tranches, enrolment; signs off SV
    # agreements, assesses monitoring reports, releases or withholds payments; awards DBV grants; runs
    # the tiering proposal; manages the steering group; imports data". Change history and the admin
    # are theirs alone (docs/decisions/0009-history-visibility.md).
    Permission.USE_ADMIN: {DFE},
    Permission.VIEW_HISTORY: {DFE},
    Permission.IMPORT_DATA: {DFE},
    Permission.MANAGE_AUTHORITIES: {DFE},
    Permission.MANAGE_ENROLMENT: {DFE},
    Permission.MANAGE_AGREEMENT: {DFE},
    Permission.ASSESS_MONITORING_REPORT: {DFE},
    Permission.DECIDE_PAYMENT: {DFE},
    Permission.AWARD_GRANT: {DFE},
    Permission.REVIEW_MANAGEMENT_PLAN: {DFE},
    Permission.MANAGE_STEERING_GROUP: {DFE},
    # Delivery partners log Diagnostic progress (DfE, who sees and does everything, may too).
    Permission.LOG_DIAGNOSTIC_PROGRESS: {DFE, PARTNER},
    # DBV-wide progress figures: partners and the steering group (and DfE); not LA finance leads.
    Permission.VIEW_DBV_PROGRESS: {DFE, PARTNER, MEMBER},
    # The register as a list: DfE's every authority, a partner's assigned; a finance lead has their own.
    Permission.BROWSE_AUTHORITIES: {DFE, PARTNER},
    # "A DfE official can move one authority's deadline with a reason" (SPEC §4.8).
    Permission.EXTEND_DEADLINE: {DFE},
    # LA finance leads submit their authority's returns: monitoring reports, self-assessments, plans.
    Permission.SUBMIT_MONITORING_REPORT: {LEAD},
    Permission.SUBMIT_SELF_ASSESSMENT: {LEAD},
    # "submits ... DSG figures for their authority": LA-return figures, never DfE's published ones.
    Permission.SUBMIT_DSG_RETURN: {LEAD},
    Permission.SUBMIT_MANAGEMENT_PLAN: {LEAD},
    # Steering members: the group's meetings, papers and actions, and "nothing beyond updating actions
    # assigned to them".
    Permission.VIEW_STEERING_GROUP_WORK: {DFE, MEMBER},
    Permission.UPDATE_STEERING_ACTION: {DFE, MEMBER},
}

# The permission each write route of the API needs: (resource basename, view action) -> permission.
WRITES: dict[tuple[str, str], Permission] = {
    ("enrolment", "create"): Permission.MANAGE_ENROLMENT,
    ("enrolment", "accept"): Permission.MANAGE_ENROLMENT,
    ("enrolment", "decline"): Permission.MANAGE_ENROLMENT,
    ("enrolment", "activate"): Permission.MANAGE_ENROLMENT,
    ("enrolment", "complete"): Permission.MANAGE_ENROLMENT,
    ("enrolment", "withdraw"): Permission.MANAGE_ENROLMENT,
    ("enrolment", "replace"): Permission.MANAGE_ENROLMENT,
    ("tiering-proposal", "create"): Permission.MANAGE_ENROLMENT,
    ("tiering-proposal", "approve"): Permission.MANAGE_ENROLMENT,
    ("diagnostic", "plan"): Permission.LOG_DIAGNOSTIC_PROGRESS,
    ("diagnostic-stage", "partial_update"): Permission.LOG_DIAGNOSTIC_PROGRESS,
    ("engagement", "create"): Permission.LOG_DIAGNOSTIC_PROGRESS,
    ("training-session", "create"): Permission.LOG_DIAGNOSTIC_PROGRESS,
    ("agreement", "create"): Permission.MANAGE_AGREEMENT,
    ("agreement", "variations"): Permission.MANAGE_AGREEMENT,
    ("monitoring-report", "submit"): Permission.SUBMIT_MONITORING_REPORT,
    ("monitoring-report", "assess"): Permission.ASSESS_MONITORING_REPORT,
    ("grant", "create"): Permission.AWARD_GRANT,
    ("payment", "release"): Permission.DECIDE_PAYMENT,
    ("payment", "withhold"): Permission.DECIDE_PAYMENT,
    ("payment", "reschedule"): Permission.DECIDE_PAYMENT,
    ("self-assessment", "create"): Permission.SUBMIT_SELF_ASSESSMENT,
    ("dsg-return", "create"): Permission.SUBMIT_DSG_RETURN,
    ("management-plan", "create"): Permission.SUBMIT_MANAGEMENT_PLAN,
    ("management-plan", "review"): Permission.REVIEW_MANAGEMENT_PLAN,
    ("steering-meeting", "create"): Permission.MANAGE_STEERING_GROUP,
    ("steering-meeting", "partial_update"): Permission.MANAGE_STEERING_GROUP,
    ("steering-meeting", "papers"): Permission.MANAGE_STEERING_GROUP,
    ("steering-action", "create"): Permission.MANAGE_STEERING_GROUP,
    ("steering-action", "partial_update"): Permission.UPDATE_STEERING_ACTION,
    ("steering-action", "destroy"): Permission.MANAGE_STEERING_GROUP,
}


def may(role: str, permission: Permission | None) -> bool:
    """Whether SPEC §2 (as written in MAY) lets `role` do `permission` (None: a write nobody may do)."""
    return permission is not None and role in MAY[permission]


# API URL names that are not router resources: each is tested on its own (tests/test_api.py;
# dbv-progress and grant-totals in tests/test_api_programme_tracks.py).
NON_RESOURCE_URL_NAMES = {
    "me",
    "auth-token",
    "schema",
    "docs",
    "api-root",
    "unknown-endpoint",
    "dbv-progress",
    "grant-totals",
}
# A small, valid PDF: what the stored papers and plans of the tests hold.
PDF_BYTES = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"

# The moment the matrix tests run at: after every date the records below carry.
FROZEN_AT = datetime(2024, 3, 1, 10, 0, tzinfo=UTC)


# --- The people -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class World:
    """One person per role, and the authority whose records the finance lead (and, for DBV, the
    partner) may see."""

    authority: LocalAuthority
    dfe: User
    partner: User
    lead: User
    member: User

    def user(self, role: str) -> User:
        return {DFE: self.dfe, PARTNER: self.partner, LEAD: self.lead, MEMBER: self.member}[role]


def make_world() -> World:
    authority = LocalAuthorityFactory()
    return World(
        authority=authority,
        dfe=DfeOfficialFactory(first_name="Dana", last_name="Official"),
        partner=DeliveryPartnerFactory(organisation=DeliveryPartner.NEWTON, first_name="Nia"),
        lead=FinanceLeadFactory(authority=authority, first_name="Lee", last_name="Lead"),
        member=SteeringMemberFactory(first_name="Sam", last_name="Member"),
    )


# --- Enrolments of our authority (one open at a time) and of theirs ------------------------------

_TO_COMPLETED = {
    EnrolmentStatus.INVITED: ["accept", "activate", "complete"],
    EnrolmentStatus.ACCEPTED: ["activate", "complete"],
    EnrolmentStatus.ACTIVE: ["complete"],
}


def _make_room(world: World) -> None:
    """An authority is in one programme at a time: complete our open enrolment before opening another."""
    from programmes.services.enrolment import enrolment_transition

    current = Enrolment.objects.open().filter(authority=world.authority).first()
    for name in _TO_COMPLETED.get(current.status, []) if current else []:
        current = enrolment_transition(actor=world.dfe, enrolment=current, transition=name, reason="Test")


def _our_dbv(world: World) -> Enrolment:
    """A DBV (tranche 1) enrolment of our authority, accepted, delivered by Newton (the world's partner)."""
    _make_room(world)
    return programmes_factories.dbv_enrolment(
        authority=world.authority,
        status=EnrolmentStatus.ACCEPTED,
        partners=(DeliveryPartner.NEWTON,),
        actor=world.dfe,
    )


def _their_dbv(world: World) -> Enrolment:
    """A DBV (tranche 2) enrolment of another authority, accepted, delivered by CIPFA only."""
    return programmes_factories.dbv_enrolment(
        tranche=2, status=EnrolmentStatus.ACCEPTED, partners=(DeliveryPartner.CIPFA,), actor=world.dfe
    )


def _diagnostic_progress(enrolment: Enrolment, *, logged_by: User, dfe: User) -> None:
    """Progress logged by the partner (the application submitted, an engagement, a training session),
    then a grant awarded by DfE in two payments, the first released."""
    from programmes.services.diagnostic import diagnostic_stage_update
    from programmes.services.grants import payment_release

    diagnostic = enrolment.diagnostic
    application = diagnostic.stages.get(definition__number=11)
    diagnostic_stage_update(
        actor=logged_by, stage=application, status="complete", actual_date=date(2023, 5, 2)
    )
    programmes_factories.dbv_engagement(diagnostic, held_on=date(2022, 11, 1), actor=logged_by)
    programmes_factories.dbv_training_session(
        diagnostic, held_on=date(2022, 11, 8), actor=logged_by, very_good=3, good=1
    )
    grant = programmes_factories.dbv_grant(
        enrolment=enrolment,
        actor=dfe,
        amount="1000000.00",
        awarded_on=date(2023, 6, 15),
        payments=[(date(2023, 7, 1), Decimal("600000.00")), (date(2024, 1, 15), Decimal("400000.00"))],
    )
    payment_release(actor=dfe, payment=grant.payments.get(number=1), reason="Released on award.")


def _cipfa_partner() -> User:
    return DeliveryPartnerFactory(organisation=DeliveryPartner.CIPFA)


def _plan_stages(enrolment: Enrolment, *, actor: User, count: int = 1) -> None:
    """Planned dates for `count` stages from stage 3: each an open deadline of the delivery partners."""
    from programmes.services.diagnostic import diagnostic_stage_update

    stages = enrolment.diagnostic.stages.filter(definition__number__gte=3).order_by("definition__number")
    for offset, stage in enumerate(stages[:count]):
        diagnostic_stage_update(
            actor=actor, stage=stage, planned_date=date(2024, 4, 15) + timedelta(days=offset)
        )


# --- Prepares: each resource's records, ours and theirs -------------------------------------------


def prepare_enrolments(world: World) -> None:
    """Our DBV enrolment (Newton's) and theirs (CIPFA's): for authorities and enrolments."""
    _our_dbv(world)
    _their_dbv(world)


def prepare_dsg_returns(world: World) -> None:
    """A DSG return of our authority and one of theirs, each DBV authority."""
    _our_dbv(world)
    theirs = _their_dbv(world)
    DsgFigureFactory(authority=world.authority)
    DsgFigureFactory(authority=theirs.authority)


def prepare_tiering_proposal(world: World) -> None:
    from programmes.services.tiering import tiering_propose

    tiering_propose(actor=world.dfe, reference_year=FinancialYear(2020), sv_places=5)


def prepare_diagnostics(world: World) -> None:
    """Our Diagnostic and theirs, each with progress, an engagement, a training session and a grant."""
    _diagnostic_progress(_our_dbv(world), logged_by=world.partner, dfe=world.dfe)
    _diagnostic_progress(_their_dbv(world), logged_by=_cipfa_partner(), dfe=world.dfe)


def _our_agreement(world: World):
    _make_room(world)
    enrolment = programmes_factories.enrolment(
        authority=world.authority,
        programme=ProgrammeCode.SAFETY_VALVE,
        status=EnrolmentStatus.ACTIVE,
        actor=world.dfe,
    )
    agreement = programmes_factories.sv_agreement(enrolment=enrolment, actor=world.dfe)
    first = agreement.monitoring_reports.order_by("due_on").first()
    programmes_factories.monitoring_report_assessed(first, actor=world.dfe, lead=world.lead)
    return agreement


def prepare_agreements(world: World) -> None:
    """Our Safety Valve agreement (its first monitoring report submitted by our lead and assessed) and theirs."""
    _our_agreement(world)
    programmes_factories.sv_agreement(actor=world.dfe)


def prepare_deadlines(world: World) -> None:
    """Stage deadlines of our Diagnostic (the partners') and of theirs, and an action of our steering member."""
    _plan_stages(_our_dbv(world), actor=world.partner)
    _plan_stages(_their_dbv(world), actor=world.dfe)
    steering_factories.steering_action(owner=world.member, actor=world.dfe, due_on=date(2024, 4, 1))


def prepare_self_assessments(world: World) -> None:
    """Our lead's self-assessment, and another authority's."""
    programmes_factories.self_assessment(authority=world.authority, actor=world.lead)
    programmes_factories.self_assessment()


def _our_plan(world: World):
    from programmes.services.management_plan import management_plan_review

    enrolment = (
        Enrolment.objects.open().filter(authority=world.authority, cohort__programme__code="ESFA").first()
    )
    if enrolment is None:
        _make_room(world)
        enrolment = programmes_factories.esfa_enrolment(authority=world.authority, actor=world.dfe)
    plan = programmes_factories.management_plan(enrolment=enrolment, actor=world.lead)
    return management_plan_review(actor=world.dfe, plan=plan, outcome="accepted")


def prepare_management_plans(world: World) -> None:
    """Our lead's DSG management plan (accepted by DfE) on our ESFA enrolment, and another authority's."""
    _our_plan(world)
    programmes_factories.management_plan(enrolment=programmes_factories.esfa_enrolment(actor=world.dfe))


def prepare_steering(world: World) -> None:
    """A meeting with a paper, an action of our steering member and one of DfE's."""
    meeting = steering_factories.steering_meeting(actor=world.dfe, held_on=date(2023, 11, 14))
    steering_factories.steering_paper(meeting=meeting, actor=world.dfe)
    steering_factories.steering_action(owner=world.member, meeting=meeting, actor=world.dfe)
    steering_factories.steering_action(owner=world.dfe, meeting=meeting, actor=world.dfe)


# --- Growth, for the query-count test ---------------------------------------------------------


def grow_authorities(world: World, n: int) -> None:
    """n new authorities with a DBV enrolment of Newton's (seen by the partner), and n more enrolments of ours."""
    for _ in range(n):
        programmes_factories.dbv_enrolment(partners=(DeliveryPartner.NEWTON,), actor=world.dfe)
    grow_enrolments(world, n)


def grow_enrolments(world: World, n: int) -> None:
    """n more DBV enrolments of ours (each completed before the next), with transitions and a partner."""
    for _ in range(n):
        _our_dbv(world)


def grow_dsg_returns(world: World, n: int) -> None:
    from authorities.models import DsgFigure

    start = 2040 + DsgFigure.objects.filter(authority=world.authority).count()
    for year in range(start, start + n):
        DsgFigureFactory(authority=world.authority, financial_year=FinancialYear(year))


def grow_programmes(world: World, n: int) -> None:
    """Programmes are reference data, with no service to make them: rows made directly."""
    from programmes.models import Cohort, Programme

    start = Programme.objects.count()
    for i in range(start, start + n):
        programme = Programme.objects.create(
            code=f"T{i}", name=f"Test programme {i}", summary="Test", description="Test"
        )
        for year in (2030, 2031):
            Cohort.objects.create(programme=programme, name=f"{year}", financial_year=FinancialYear(year))


def grow_cohorts(world: World, n: int) -> None:
    from programmes.models import Cohort, Programme

    esfa = Programme.objects.get(code="ESFA")
    start = Cohort.objects.count()
    for i in range(start, start + n):
        Cohort.objects.create(programme=esfa, name=f"Test cohort {i}", financial_year=FinancialYear(2030))


def grow_tiering_proposals(world: World, n: int) -> None:
    for _ in range(n):
        prepare_tiering_proposal(world)


def grow_steering_members(world: World, n: int) -> None:
    """Seats are reference data, with no service to make them: rows made directly."""
    from steering.models import Member, Organisation

    organisation = Organisation.objects.order_by("pk").first()
    start = Member.objects.order_by("-number").values_list("number", flat=True).first() + 1
    for number in range(start, start + n):
        Member.objects.create(
            group=steering_factories.steering_group(),
            number=number,
            name=f"Test member {number}",
            organisation=organisation,
        )


def grow_diagnostics(world: World, n: int) -> None:
    """n more Diagnostics of ours (each on its own DBV enrolment), each with progress and a grant."""
    for _ in range(n):
        _diagnostic_progress(_our_dbv(world), logged_by=world.partner, dfe=world.dfe)


def grow_agreements(world: World, n: int) -> None:
    """n more agreements of ours (each on its own Safety Valve enrolment), with their reports and instalments."""
    for _ in range(n):
        _our_agreement(world)


def grow_deadlines(world: World, n: int) -> None:
    """n more steering action deadlines of our member, and n stage deadlines of a new Diagnostic of ours."""
    grow_steering_actions(world, n)
    _plan_stages(_our_dbv(world), actor=world.partner, count=n)


def grow_self_assessments(world: World, n: int) -> None:
    for _ in range(n):
        programmes_factories.self_assessment(authority=world.authority, actor=world.lead)


def grow_management_plans(world: World, n: int) -> None:
    for _ in range(n):
        _our_plan(world)


def grow_steering_meetings(world: World, n: int) -> None:
    """n meetings, each with a paper and an action of our member."""
    for i in range(n):
        meeting = steering_factories.steering_meeting(
            actor=world.dfe, held_on=date(2023, 1, 1) + timedelta(days=i)
        )
        steering_factories.steering_paper(meeting=meeting, actor=world.dfe)
        steering_factories.steering_action(owner=world.member, meeting=meeting, actor=world.dfe)


def grow_steering_actions(world: World, n: int) -> list:
    """n actions of our member."""
    return [
        steering_factories.steering_action(
            owner=world.member, actor=world.dfe, due_on=date(2024, 3, 1) + timedelta(days=i)
        )
        for i in range(n)
    ]


def own_steering_action(user: User, view_action: str):
    """A steering member updates only their own actions: the in-scope row a write is tried on."""
    from portal import access
    from steering.models import Action

    visible = access.visible(user, Action.objects.order_by("pk"))
    return visible.filter(owner=user).first() or visible.first()


# --- The table ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """What each role sees of one resource, and how to make and grow its data."""

    sees: dict[str, str]
    grow: Callable[[World, int], None]
    prepare: Callable[[World], None] | None = None
    # The in-scope row a write is tried on, (user, view action) -> row; default: the first the user
    # sees. For object rules (a steering member updates only their own actions), return their own.
    write_target: Callable[[User, str], object] | None = None


EVERYONE = dict.fromkeys(ROLES, ALL)
# Records of one authority: DfE all; partners their assigned DBV authorities'; finance leads their own.
AUTHORITY_RECORDS = {DFE: ALL, PARTNER: SOME, LEAD: SOME, MEMBER: NONE}
# Records partners do not see (Safety Valve agreements, self-assessments, ESFA plans).
DFE_AND_OWN_AUTHORITY = {**AUTHORITY_RECORDS, PARTNER: NONE}
# The steering group's work: for DfE and the group's members.
STEERING_GROUP_WORK = {DFE: ALL, PARTNER: NONE, LEAD: NONE, MEMBER: ALL}

MATRIX: dict[str, Row] = {
    "authority": Row(sees=AUTHORITY_RECORDS, grow=grow_authorities, prepare=prepare_enrolments),
    "programme": Row(sees=EVERYONE, grow=grow_programmes),
    "cohort": Row(sees=EVERYONE, grow=grow_cohorts),
    "enrolment": Row(sees=AUTHORITY_RECORDS, grow=grow_enrolments, prepare=prepare_enrolments),
    "dsg-return": Row(sees=AUTHORITY_RECORDS, grow=grow_dsg_returns, prepare=prepare_dsg_returns),
    "tiering-proposal": Row(
        sees={DFE: ALL, PARTNER: NONE, LEAD: NONE, MEMBER: NONE},
        grow=grow_tiering_proposals,
        prepare=prepare_tiering_proposal,
    ),
    "steering-member": Row(sees=EVERYONE, grow=grow_steering_members),
    "diagnostic": Row(sees=AUTHORITY_RECORDS, grow=grow_diagnostics, prepare=prepare_diagnostics),
    "diagnostic-stage": Row(sees=AUTHORITY_RECORDS, grow=grow_diagnostics, prepare=prepare_diagnostics),
    "engagement": Row(sees=AUTHORITY_RECORDS, grow=grow_diagnostics, prepare=prepare_diagnostics),
    "training-session": Row(sees=AUTHORITY_RECORDS, grow=grow_diagnostics, prepare=prepare_diagnostics),
    "agreement": Row(sees=DFE_AND_OWN_AUTHORITY, grow=grow_agreements, prepare=prepare_agreements),
    "monitoring-report": Row(sees=DFE_AND_OWN_AUTHORITY, grow=grow_agreements, prepare=prepare_agreements),
    "grant": Row(sees=AUTHORITY_RECORDS, grow=grow_diagnostics, prepare=prepare_diagnostics),
    "payment": Row(sees=AUTHORITY_RECORDS, grow=grow_diagnostics, prepare=prepare_diagnostics),
    "deadline": Row(sees={**AUTHORITY_RECORDS, MEMBER: SOME}, grow=grow_deadlines, prepare=prepare_deadlines),
    "self-assessment": Row(
        sees=DFE_AND_OWN_AUTHORITY, grow=grow_self_assessments, prepare=prepare_self_assessments
    ),
    "management-plan": Row(
        sees=DFE_AND_OWN_AUTHORITY, grow=grow_management_plans, prepare=prepare_management_plans
    ),
    "steering-meeting": Row(sees=STEERING_GROUP_WORK, grow=grow_steering_meetings, prepare=prepare_steering),
    "steering-paper": Row(sees=STEERING_GROUP_WORK, grow=grow_steering_meetings, prepare=prepare_steering),
    "steering-action": Row(
        sees=STEERING_GROUP_WORK,
        grow=grow_steering_actions,
        prepare=prepare_steering,
        write_target=own_steering_action,
    ),
}

# Every distinct `prepare`, for tests that want every resource's rows at once (schemathesis).
PREPARES = list(dict.fromkeys(row.prepare for row in MATRIX.values() if row.prepare))
