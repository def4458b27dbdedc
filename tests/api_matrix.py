"""The table behind the generated API tests: one row per registered API resource.

tests/test_api_access_matrix.py and tests/test_api_query_counts.py walk the router in
config/api_urls.py and look every resource up here by its basename; a resource registered there
without a row here fails `test_every_registered_resource_has_a_matrix_row`.

A row says, for each role, what the access policy should let that role see of the resource
(ALL rows, SOME, or NONE); the tests take an in-scope object and an out-of-scope one from the
policy itself (access.visible) and check both the API's answers and that the data fits the row.
`prepare` makes rows the reference and demo data lack (or that make a partial scope partial);
`grow(n)` adds n rows (and nested rows) for the query-count test, visible to as many of the roles
as the policy allows. Files a `prepare` stores go to MEDIA_ROOT: the tests using them point it at
a temporary folder.

To add a resource: register it in config/api_urls.py, then add a Row here (with `grow`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from portal.financial_year import FinancialYear
from portal.models import User
from portal.roles import DeliveryPartner, Role

ALL, SOME, NONE = "all", "some", "none"

# The role each matrix user stands for, by username (demo accounts of seed_demo).
ROLE_USERS = {
    Role.DFE_OFFICIAL: "dfe.official",
    Role.DELIVERY_PARTNER: "newton.partner",
    Role.LA_FINANCE_LEAD: "la.207",
    Role.STEERING_MEMBER: "ssg.member",
}
ROLES = list(ROLE_USERS)

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


def _user(username: str) -> User:
    return User.objects.get(username=username)


# --- Data makers -------------------------------------------------------------------------------


def _la_207():
    from authorities.models import LocalAuthority

    return LocalAuthority.objects.get(la_code="207")


def prepare_tiering_proposal() -> None:
    from programmes.services.tiering import tiering_propose

    tiering_propose(actor=_user("dfe.official"), reference_year=FinancialYear(2020), sv_places=5)


def _new_authorities(n: int) -> list:
    from authorities.models import LocalAuthority, Region

    region = Region.objects.order_by("pk").first()
    taken = set(LocalAuthority.objects.values_list("la_code", flat=True))
    return [
        LocalAuthority.objects.create(
            la_code=code,
            name=f"Test authority {code}",
            gss_code=f"E99000{code}",
            region=region,
            la_type="unitary_authority",
            operated_from=date(2000, 4, 1),
        )
        for code in [code for code in (f"{i:03d}" for i in range(100, 1000)) if code not in taken][:n]
    ]


def grow_authorities(n: int) -> None:
    """n new authorities, each with an enrolment; and n more enrolments of 207 (seen by its finance lead)."""
    for authority in _new_authorities(n):
        _make_enrolment(authority, status="invited")
    grow_enrolments(n)


def _make_enrolment(authority, *, status: str, cohort=None, partners=()):
    from programmes.models import Cohort, Enrolment, EnrolmentTransition, PartnerAssignment

    cohort = cohort or Cohort.objects.get(programme__code="ESFA")
    actor = _user("dfe.official")
    enrolment = Enrolment.objects.create(authority=authority, cohort=cohort, status=status)
    now = timezone.now()
    EnrolmentTransition.objects.create(
        enrolment=enrolment, name="invite", from_status="", to_status="invited", actor=actor, at=now
    )
    if status != "invited":
        EnrolmentTransition.objects.create(
            enrolment=enrolment,
            name="withdraw",
            from_status="invited",
            to_status=status,
            actor=actor,
            at=now + timedelta(seconds=1),
            reason="Test",
        )
    for organisation in partners:
        PartnerAssignment.objects.create(enrolment=enrolment, organisation=organisation)
    return enrolment


def grow_enrolments(n: int) -> None:
    """n closed DBV enrolments of 207 with transitions and both partners: every role but SSG sees them."""
    from programmes.models import Cohort

    tranche_1 = Cohort.objects.get(programme__code="DBV", tranche=1)
    for _ in range(n):
        _make_enrolment(
            _la_207(),
            status="withdrawn",
            cohort=tranche_1,
            partners=(DeliveryPartner.NEWTON, DeliveryPartner.CIPFA),
        )


def grow_dsg_returns(n: int) -> None:
    from authorities.models import DsgFigure

    taken = set(DsgFigure.objects.filter(authority=_la_207()).values_list("financial_year", flat=True))
    years = [FinancialYear(y) for y in range(2040, 2140) if FinancialYear(y) not in taken][:n]
    for year in years:
        DsgFigure.objects.create(
            authority=_la_207(),
            financial_year=year,
            source="la_return",
            total_dsg_allocation=Decimal("200000000.00"),
            cumulative_balance=Decimal("-1000000.00"),
        )


def grow_programmes(n: int) -> None:
    from programmes.models import Cohort, Programme

    start = Programme.objects.count()
    for i in range(start, start + n):
        programme = Programme.objects.create(
            code=f"T{i}", name=f"Test programme {i}", summary="Test", description="Test"
        )
        for year in (2030, 2031):
            Cohort.objects.create(programme=programme, name=f"{year}", financial_year=FinancialYear(year))


def grow_cohorts(n: int) -> None:
    from programmes.models import Cohort, Programme

    esfa = Programme.objects.get(code="ESFA")
    start = Cohort.objects.count()
    for i in range(start, start + n):
        Cohort.objects.create(programme=esfa, name=f"Test cohort {i}", financial_year=FinancialYear(2030))


def grow_tiering_proposals(n: int) -> None:
    from authorities.models import LocalAuthority
    from programmes.models import TieringPlacement, TieringProposal

    authorities = list(LocalAuthority.objects.order_by("la_code")[:3])
    for _ in range(n):
        proposal = TieringProposal.objects.create(
            reference_year=FinancialYear(2020), sv_places=1, created_by=_user("dfe.official")
        )
        for rank, authority in enumerate(authorities, start=1):
            TieringPlacement.objects.create(
                proposal=proposal, authority=authority, tier="SV" if rank == 1 else "DBV", rank=rank
            )


def grow_steering_members(n: int) -> None:
    from steering.models import Member, Organisation, SteeringGroup

    group = SteeringGroup.objects.get()
    organisation = Organisation.objects.order_by("pk").first()
    start = Member.objects.order_by("-number").values_list("number", flat=True).first() + 1
    for number in range(start, start + n):
        Member.objects.create(
            group=group, number=number, name=f"Test member {number}", organisation=organisation
        )


# --- Diagnostics -------------------------------------------------------------------------------


def _make_diagnostic(enrolment, *, closed: bool):
    """A Diagnostic with its 12 stages (2 complete), an engagement and a training session."""
    from programmes.models import (
        Diagnostic,
        DiagnosticStage,
        DiagnosticStageDefinition,
        StakeholderEngagement,
        TrainingSession,
    )

    actor, now = _user("dfe.official"), timezone.now()
    diagnostic = Diagnostic.objects.create(
        enrolment=enrolment,
        planned_completion=date(2024, 3, 1),
        closed_at=now if closed else None,
        closed_reason="Test" if closed else "",
    )
    DiagnosticStage.objects.bulk_create(
        DiagnosticStage(
            diagnostic=diagnostic,
            definition=definition,
            status="complete" if definition.number <= 2 else "not_started",
            planned_date=date(2022, 9, 1) + timedelta(days=21 * definition.number),
            actual_date=date(2022, 9, 1) + timedelta(days=21 * definition.number)
            if definition.number <= 2
            else None,
            logged_by=actor,
            logged_at=now,
        )
        for definition in DiagnosticStageDefinition.objects.all()
    )
    StakeholderEngagement.objects.create(
        diagnostic=diagnostic, kind="schools_forum", held_on=date(2022, 10, 1), logged_by=actor
    )
    TrainingSession.objects.create(
        diagnostic=diagnostic, module=1, held_on=date(2022, 10, 3), very_good=3, good=1, logged_by=actor
    )
    return diagnostic


def prepare_diagnostics() -> None:
    """A closed Diagnostic assigned to CIPFA only: Newton's partner sees some Diagnostics, not all."""
    from programmes.models import Cohort

    tranche_2 = Cohort.objects.get(programme__code="DBV", tranche=2)
    (authority,) = _new_authorities(1)
    enrolment = _make_enrolment(
        authority, status="withdrawn", cohort=tranche_2, partners=(DeliveryPartner.CIPFA,)
    )
    _make_diagnostic(enrolment, closed=True)


def grow_diagnostics(n: int) -> None:
    """n closed Diagnostics of 207 (withdrawn enrolments with both partners), each with nested rows."""
    from programmes.models import Cohort

    tranche_1 = Cohort.objects.get(programme__code="DBV", tranche=1)
    for _ in range(n):
        enrolment = _make_enrolment(
            _la_207(),
            status="withdrawn",
            cohort=tranche_1,
            partners=(DeliveryPartner.NEWTON, DeliveryPartner.CIPFA),
        )
        _make_diagnostic(enrolment, closed=True)


# --- Agreements, grants and payments -----------------------------------------------------------


def _make_payments(grant, *, count: int = 2) -> None:
    from programmes.models import Payment

    dfe, share = _user("dfe.official"), (grant.amount / count).quantize(Decimal("0.01"))
    for number in range(1, count + 1):
        released = number == 1
        Payment.objects.create(
            grant=grant,
            number=number,
            due_on=grant.awarded_on + timedelta(days=30 * number),
            financial_year=FinancialYear.containing(grant.awarded_on + timedelta(days=30 * number)),
            amount=share,
            status="released" if released else "scheduled",
            decided_by=dfe if released else None,
            decided_at=timezone.now() if released else None,
            decision_reason="Test" if released else "",
        )


def grow_agreements(n: int) -> None:
    """n agreements of 207 (each on a completed Safety Valve enrolment), seen by DfE and 207's finance lead.

    Each with conditions, targets, a contribution grant with payments, and two monitoring reports
    (one submitted and assessed).
    """
    from programmes.models import (
        Agreement,
        AgreementCondition,
        AgreementTarget,
        Cohort,
        Grant,
        MonitoringReport,
    )

    dfe, lead = _user("dfe.official"), _user("la.207")
    cohort = Cohort.objects.filter(programme__code="SV").order_by("pk").first()
    for _ in range(n):
        enrolment = _make_enrolment(_la_207(), status="completed", cohort=cohort)
        agreement = Agreement.objects.create(
            enrolment=enrolment,
            signed_on=date(2022, 3, 1),
            deficit_at_signing=Decimal("10000000.00"),
            total_contribution=Decimal("5000000.00"),
        )
        for number in (1, 2):
            AgreementCondition.objects.create(
                agreement=agreement, number=number, text=f"Test condition {number}"
            )
        for year, cumulative in ((FinancialYear(2021), "-10000000.00"), (FinancialYear(2022), "0.00")):
            AgreementTarget.objects.create(
                agreement=agreement,
                financial_year=year,
                in_year_balance=Decimal("1000000.00"),
                cumulative_balance=Decimal(cumulative),
            )
        grant = Grant.objects.create(
            enrolment=enrolment,
            kind="sv_contribution",
            agreement=agreement,
            amount=agreement.total_contribution,
            awarded_on=agreement.signed_on,
            financial_year=FinancialYear.containing(agreement.signed_on),
            awarded_by=dfe,
        )
        _make_payments(grant)
        now = timezone.now()
        MonitoringReport.objects.create(
            agreement=agreement,
            due_on=date(2022, 6, 30),
            submitted_at=now,
            submitted_by=lead,
            actual_in_year_balance=Decimal("-1000.00"),
            actual_cumulative_balance=Decimal("-9000000.00"),
            narrative="Test",
            assessment="on_track",
            assessed_at=now,
            assessed_by=dfe,
        )
        MonitoringReport.objects.create(agreement=agreement, due_on=date(2022, 9, 30))


def prepare_agreements() -> None:
    """An agreement of 207, so its finance lead sees some agreements and reports (the demo's are others')."""
    grow_agreements(1)


def grow_grants(n: int) -> None:
    """n DBV implementation grants of 207 (withdrawn enrolments with both partners), each with payments."""
    from programmes.models import Cohort, Grant

    tranche_1 = Cohort.objects.get(programme__code="DBV", tranche=1)
    for _ in range(n):
        enrolment = _make_enrolment(
            _la_207(),
            status="withdrawn",
            cohort=tranche_1,
            partners=(DeliveryPartner.NEWTON, DeliveryPartner.CIPFA),
        )
        grant = Grant.objects.create(
            enrolment=enrolment,
            kind="dbv_implementation",
            amount=Decimal("1000000.00"),
            awarded_on=date(2023, 6, 15),
            financial_year=FinancialYear(2023),
            awarded_by=_user("dfe.official"),
        )
        _make_payments(grant)


# --- Deadlines, self-assessments and DSG management plans --------------------------------------


def grow_deadlines(n: int) -> None:
    """n steering action deadlines owned by the steering member, and n Diagnostic stage deadlines of 207."""
    from django.contrib.contenttypes.models import ContentType

    from deadlines.models import Deadline
    from programmes.models import DiagnosticStage

    dfe = _user("dfe.official")
    for steering_action in grow_steering_actions(n):
        Deadline.objects.create(
            kind="steering_action",
            source_type=ContentType.objects.get_for_model(steering_action),
            source_id=steering_action.pk,
            title=f"Steering group action: {steering_action.description}",
            due_on=steering_action.due_on,
            owner=steering_action.owner,
            responsible=dfe,
        )
    stage_type = ContentType.objects.get_for_model(DiagnosticStage)
    for _ in range(n):
        enrolment = _make_enrolment(
            _la_207(),
            status="withdrawn",
            cohort=_dbv_tranche(1),
            partners=(DeliveryPartner.NEWTON, DeliveryPartner.CIPFA),
        )
        stage = _make_diagnostic(enrolment, closed=True).stages.order_by("definition__number").last()
        Deadline.objects.create(
            kind="diagnostic_stage",
            source_type=stage_type,
            source_id=stage.pk,
            title="Test: Diagnostic stage",
            authority=_la_207(),
            due_on=stage.planned_date,
            owner_group="delivery_partners",
            responsible=dfe,
        )


def _dbv_tranche(tranche: int):
    from programmes.models import Cohort

    return Cohort.objects.get(programme__code="DBV", tranche=tranche)


def grow_self_assessments(n: int) -> None:
    from programmes.models import FocusArea, SelfAssessment, SelfAssessmentAnswer

    lead, areas = _user("la.207"), list(FocusArea.objects.order_by("number"))
    for _ in range(n):
        assessment = SelfAssessment.objects.create(
            authority=_la_207(), submitted_by=lead, submitted_at=timezone.now()
        )
        for area in areas:
            SelfAssessmentAnswer.objects.create(
                self_assessment=assessment, focus_area=area, rating="amber", answer="Test"
            )


def _make_plan(enrolment, *, store_file: bool):
    from programmes.models import ManagementPlan, ManagementPlanForecast

    plan = ManagementPlan(
        enrolment=enrolment,
        submitted_by=_user("la.207"),
        submitted_at=timezone.now(),
        review_outcome="accepted",
        reviewed_by=_user("dfe.official"),
        reviewed_at=timezone.now(),
    )
    if store_file:
        plan.file.save("plan.pdf", ContentFile(PDF_BYTES), save=False)
    else:
        plan.file.name = "management-plans/test/plan.pdf"
    plan.save()
    for offset in range(3):
        ManagementPlanForecast.objects.create(
            plan=plan,
            financial_year=FinancialYear(2030 + offset),
            in_year_balance=Decimal("-1000.00"),
            cumulative_balance=Decimal("-5000.00"),
        )
    return plan


def _esfa_enrolment_of_207():
    from programmes.models import Cohort

    return _make_enrolment(_la_207(), status="completed", cohort=Cohort.objects.get(programme__code="ESFA"))


def prepare_management_plans() -> None:
    """Plans (with their files stored) of 207 and of another authority: the demo has none."""
    from programmes.models import Cohort

    _make_plan(_esfa_enrolment_of_207(), store_file=True)
    (other,) = _new_authorities(1)
    _make_plan(
        _make_enrolment(other, status="invited", cohort=Cohort.objects.get(programme__code="ESFA")),
        store_file=True,
    )


def grow_management_plans(n: int) -> None:
    enrolment = _esfa_enrolment_of_207()
    for _ in range(n):
        _make_plan(enrolment, store_file=False)


# --- Steering group ----------------------------------------------------------------------------


def _group():
    from steering.models import SteeringGroup

    return SteeringGroup.objects.get()


def prepare_steering_papers() -> None:
    """A paper (its file stored) for the demo meeting: the demo has none."""
    from steering.models import Meeting, Paper

    paper = Paper(
        meeting=Meeting.objects.order_by("pk").first(),
        title="Test paper",
        uploaded_by=_user("dfe.official"),
        uploaded_at=timezone.now(),
    )
    paper.file.save("paper.pdf", ContentFile(PDF_BYTES), save=False)
    paper.save()


def grow_steering_meetings(n: int) -> None:
    """n meetings, each with a paper (a stored name only) and an action."""
    from steering.models import Action, Meeting, Paper

    member, dfe = _user("ssg.member"), _user("dfe.official")
    for i in range(n):
        meeting = Meeting.objects.create(
            group=_group(), held_on=date(2023, 1, 1) + timedelta(days=i), title="Test"
        )
        Paper.objects.create(
            meeting=meeting,
            title="Test paper",
            file="steering-papers/test/paper.pdf",
            uploaded_by=dfe,
            uploaded_at=timezone.now(),
        )
        Action.objects.create(
            group=_group(), meeting=meeting, description="Test", owner=member, due_on=date(2023, 2, 1)
        )


def grow_steering_actions(n: int) -> list:
    """n actions of the steering member (set at the demo meeting)."""
    from steering.models import Action, Meeting

    meeting, member = Meeting.objects.order_by("pk").first(), _user("ssg.member")
    return [
        Action.objects.create(
            group=_group(),
            meeting=meeting,
            description="Test action",
            owner=member,
            due_on=date(2023, 3, 1) + timedelta(days=i),
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
    grow: Callable[[int], None]
    prepare: Callable[[], None] | None = None
    # The in-scope row a write is tried on, (user, view action) -> row; default: the first the user
    # sees. For object rules (a steering member updates only their own actions), return their own.
    write_target: Callable[[User, str], object] | None = None


EVERYONE = dict.fromkeys(ROLES, ALL)
# Records of one authority: DfE all; partners their assigned DBV authorities'; finance leads their own.
AUTHORITY_RECORDS = {
    Role.DFE_OFFICIAL: ALL,
    Role.DELIVERY_PARTNER: SOME,
    Role.LA_FINANCE_LEAD: SOME,
    Role.STEERING_MEMBER: NONE,
}
# Records partners do not see (Safety Valve agreements, self-assessments, ESFA plans).
DFE_AND_OWN_AUTHORITY = {**AUTHORITY_RECORDS, Role.DELIVERY_PARTNER: NONE}
# The steering group's work: for DfE and the group's members.
STEERING_GROUP_WORK = {
    Role.DFE_OFFICIAL: ALL,
    Role.DELIVERY_PARTNER: NONE,
    Role.LA_FINANCE_LEAD: NONE,
    Role.STEERING_MEMBER: ALL,
}

MATRIX: dict[str, Row] = {
    "authority": Row(
        sees={
            Role.DFE_OFFICIAL: ALL,
            Role.DELIVERY_PARTNER: SOME,
            Role.LA_FINANCE_LEAD: SOME,
            Role.STEERING_MEMBER: NONE,
        },
        grow=grow_authorities,
    ),
    "programme": Row(sees=EVERYONE, grow=grow_programmes),
    "cohort": Row(sees=EVERYONE, grow=grow_cohorts),
    "enrolment": Row(
        sees={
            Role.DFE_OFFICIAL: ALL,
            Role.DELIVERY_PARTNER: SOME,
            Role.LA_FINANCE_LEAD: SOME,
            Role.STEERING_MEMBER: NONE,
        },
        grow=grow_enrolments,
    ),
    "dsg-return": Row(
        sees={
            Role.DFE_OFFICIAL: ALL,
            Role.DELIVERY_PARTNER: SOME,
            Role.LA_FINANCE_LEAD: SOME,
            Role.STEERING_MEMBER: NONE,
        },
        grow=grow_dsg_returns,
    ),
    "tiering-proposal": Row(
        sees={
            Role.DFE_OFFICIAL: ALL,
            Role.DELIVERY_PARTNER: NONE,
            Role.LA_FINANCE_LEAD: NONE,
            Role.STEERING_MEMBER: NONE,
        },
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
    "grant": Row(sees=AUTHORITY_RECORDS, grow=grow_grants),
    "payment": Row(sees=AUTHORITY_RECORDS, grow=grow_grants),
    "deadline": Row(sees={**AUTHORITY_RECORDS, Role.STEERING_MEMBER: SOME}, grow=grow_deadlines),
    "self-assessment": Row(sees=DFE_AND_OWN_AUTHORITY, grow=grow_self_assessments),
    "management-plan": Row(
        sees=DFE_AND_OWN_AUTHORITY, grow=grow_management_plans, prepare=prepare_management_plans
    ),
    "steering-meeting": Row(sees=STEERING_GROUP_WORK, grow=grow_steering_meetings),
    "steering-paper": Row(
        sees=STEERING_GROUP_WORK, grow=grow_steering_meetings, prepare=prepare_steering_papers
    ),
    "steering-action": Row(
        sees=STEERING_GROUP_WORK, grow=grow_steering_actions, write_target=own_steering_action
    ),
}

# Every distinct `prepare`, for tests that want every resource's rows at once (schemathesis).
PREPARES = list(dict.fromkeys(row.prepare for row in MATRIX.values() if row.prepare))
