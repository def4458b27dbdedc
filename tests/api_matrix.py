"""The table behind the generated API tests: one row per registered API resource.

tests/test_api_access_matrix.py and tests/test_api_query_counts.py walk the router in
portal/api/urls.py and look every resource up here by its basename; a resource registered there
without a row here fails `test_every_registered_resource_has_a_matrix_row`.

A row says, for each role, what the access policy should let that role see of the resource
(ALL rows, SOME, or NONE); the tests take an in-scope object and an out-of-scope one from the
policy itself (access.visible) and check both the API's answers and that the data fits the row.
`prepare` makes rows the reference and demo data lack; `grow(n)` adds n rows (and nested rows)
for the query-count test, visible to as many of the roles as the policy allows.

To add a resource: register it in portal/api/urls.py, then add a Row here (with `grow`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

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

# API URL names that are not router resources: each is tested on its own (tests/test_api.py).
NON_RESOURCE_URL_NAMES = {"me", "auth-token", "schema", "docs", "api-root", "unknown-endpoint"}


def _user(username: str) -> User:
    return User.objects.get(username=username)


# --- Data makers -------------------------------------------------------------------------------


def _la_207():
    from authorities.models import LocalAuthority

    return LocalAuthority.objects.get(la_code="207")


def prepare_tiering_proposal() -> None:
    from programmes.services.tiering import tiering_propose

    tiering_propose(actor=_user("dfe.official"), reference_year=FinancialYear(2020), sv_places=5)


def grow_authorities(n: int) -> None:
    """n new authorities, each with an enrolment; and n more enrolments of 207 (seen by its finance lead)."""
    from authorities.models import LocalAuthority, Region

    region = Region.objects.order_by("pk").first()
    taken = set(LocalAuthority.objects.values_list("la_code", flat=True))
    for code in [code for code in (f"{i:03d}" for i in range(100, 1000)) if code not in taken][:n]:
        authority = LocalAuthority.objects.create(
            la_code=code,
            name=f"Test authority {code}",
            gss_code=f"E99000{code}",
            region=region,
            la_type="unitary_authority",
            operated_from=date(2000, 4, 1),
        )
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
}
