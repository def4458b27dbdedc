"""One authority's page: the register's facts with the programme records the user may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Count, Min, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum

from authorities.models import Contact, DsgFigure, FigureSource, LocalAuthority
from authorities.selectors import authority_list
from deadlines.selectors import open_deadlines
from portal import access

from ..models import Agreement, Diagnostic, Enrolment, EnrolmentTransition, Grant, Payment, PaymentStatus


def authorities_with_enrolments(*, user) -> QuerySet:
    """The authorities the user may see, with their region and the enrolments the user may see of each
    (newest first, with cohort and programme)."""
    enrolments = access.visible(user, Enrolment.objects.select_related("cohort__programme")).order_by(
        "-created_at", "-pk"
    )
    return (
        access.visible(user, LocalAuthority.objects.all())
        .select_related("region")
        .prefetch_related(Prefetch("enrolments", queryset=enrolments))
    )


def authority_detail(*, user, la_code: str) -> LocalAuthority:
    """One authority with what its page shows, each list already narrowed to what the user may see
    (`open_deadlines`: its open deadlines, by due date)."""
    queryset = LocalAuthority.objects.select_related("region").prefetch_related(
        "gss_codes",
        "aliases",
        "successors",
        "predecessors",
        # The programme history, newest first, each with its latest change (not every change: the
        # enrolment's own page has those), so the page stays the same size however long the history.
        Prefetch("enrolments", queryset=_enrolments_with_latest_change(user)),
        Prefetch("contacts", queryset=access.visible(user, Contact.objects.all())),
        Prefetch("deadlines", queryset=open_deadlines(user=user), to_attr="open_deadlines"),
    )
    return access.get_visible_or_404(user, queryset, la_code=la_code)


def _enrolments_with_latest_change(user) -> QuerySet:
    """The enrolments the user may see, newest first, each with `changed_at` and `change_reason`: when
    it last changed status and why."""
    latest = EnrolmentTransition.objects.filter(enrolment=OuterRef("pk")).order_by("-at", "-pk")
    return (
        access.visible(user, Enrolment.objects.select_related("cohort__programme"))
        .annotate(
            changed_at=Subquery(latest.values("at")[:1]),
            change_reason=Subquery(latest.values("reason")[:1]),
        )
        .order_by("-created_at", "-pk")
    )


# --- The list of authorities, filtered by the register's facts and by their enrolments ---


def authority_filtered_list(
    *,
    user,
    search: str = "",
    region: str = "",
    la_type: str = "",
    programme: str = "",
    tranche: int | None = None,
    status: str = "",
    operating_on: date | None = None,
) -> QuerySet:
    """The authorities the user may see matching every filter given, by name, each with the enrolments
    the user may see (newest first). The programme, tranche and status filters match one enrolment
    having all three."""
    authorities = authority_list(
        user=user, search=search, region=region, la_type=la_type, operating_on=operating_on
    )
    lookups = {
        key: value
        for key, value in {
            "cohort__programme__code": programme,
            "cohort__tranche": tranche,
            "status": status,
        }.items()
        if value not in ("", None)
    }
    if lookups:
        enrolled = access.visible(user, Enrolment.objects.filter(**lookups)).values("authority_id")
        authorities = authorities.filter(pk__in=enrolled)
    enrolments = access.visible(user, Enrolment.objects.select_related("cohort__programme")).order_by(
        "-created_at", "-pk"
    )
    return authorities.order_by("name", "la_code").prefetch_related(
        Prefetch("enrolments", queryset=enrolments, to_attr="enrolments_newest_first")
    )


# --- An authority's programme records: its current agreement or Diagnostic, its grants ---

GRANTS_SHOWN = 10


@dataclass
class ProgrammeRecords:
    """What an authority's page shows of its programmes beyond the enrolments themselves."""

    current: Enrolment | None
    agreement: Agreement | None
    diagnostic: Diagnostic | None
    grants: list[Grant]
    grant_count: int
    totals: dict = field(default_factory=dict)


def current_enrolment(authority: LocalAuthority) -> Enrolment | None:
    """The open enrolment (an authority has at most one), else the newest; from the prefetched ones."""
    enrolments = list(authority.enrolments.all())
    return next((e for e in enrolments if e.is_open), enrolments[0] if enrolments else None)


def authority_programme_records(*, user, authority: LocalAuthority) -> ProgrammeRecords:
    """The current enrolment's agreement or Diagnostic, and the authority's grants (the latest
    GRANTS_SHOWN, each with its payments summed by status) with totals over all of them; a fixed
    number of queries whatever the rows."""
    current = current_enrolment(authority)
    agreement = diagnostic = None
    if current is not None:
        agreement = access.visible(user, Agreement.objects.filter(enrolment=current)).first()
        diagnostic = access.visible(user, Diagnostic.objects.filter(enrolment=current)).first()

    def paid(status):
        return Sum("payments__amount", filter=Q(payments__status=status))

    grants = access.visible(user, Grant.objects.filter(enrolment__authority=authority))
    summed = grants.annotate(
        released=paid(PaymentStatus.RELEASED),
        withheld=paid(PaymentStatus.WITHHELD),
        scheduled=paid(PaymentStatus.SCHEDULED),
        next_due_on=Min("payments__due_on", filter=Q(payments__status=PaymentStatus.SCHEDULED)),
    )
    shown = list(
        summed.select_related("enrolment__cohort__programme").order_by("-awarded_on", "-pk")[:GRANTS_SHOWN]
    )
    payments = access.visible(user, Payment.objects.filter(grant__in=grants))
    totals = payments.aggregate(
        released=Sum("amount", filter=Q(status=PaymentStatus.RELEASED)),
        withheld=Sum("amount", filter=Q(status=PaymentStatus.WITHHELD)),
        scheduled=Sum("amount", filter=Q(status=PaymentStatus.SCHEDULED)),
    )
    counted = grants.aggregate(count=Count("pk"), awarded=Sum("amount"))
    totals["awarded"] = counted["awarded"]
    return ProgrammeRecords(
        current=current,
        agreement=agreement,
        diagnostic=diagnostic,
        grants=shown,
        grant_count=counted["count"],
        totals=totals,
    )


# --- An authority's DSG position, ten years a page ---

DSG_YEARS_A_PAGE = 10
SOURCES = [FigureSource.PUBLISHED, FigureSource.LA_RETURN, FigureSource.DEMO]


@dataclass
class DsgPosition:
    """One page of an authority's DSG figures: `years` (a Page of financial years, newest first),
    `figures` of those years (newest first, then by source) and `by_source`: for each source with
    figures, its (year, cumulative balance) points, oldest first."""

    years: Page
    figures: list[DsgFigure]
    by_source: list[tuple[str, list[tuple[str, object]]]]


def authority_dsg_position(*, user, authority: LocalAuthority, page: int | str = 1) -> DsgPosition:
    """The DSG figures of one page of years (page 1 the latest DSG_YEARS_A_PAGE): two queries."""
    visible = access.visible(user, DsgFigure.objects.filter(authority=authority))
    all_years = sorted(set(visible.values_list("financial_year", flat=True)), reverse=True)
    years = Paginator(all_years, DSG_YEARS_A_PAGE).get_page(page)
    figures = list(
        visible.filter(financial_year__in=list(years.object_list)).order_by("-financial_year", "source")
    )
    chronological = sorted(years.object_list)
    by_source = []
    for source in SOURCES:
        values = {f.financial_year: f.cumulative_balance for f in figures if f.source == source}
        if values:
            points = [(str(year), values.get(year)) for year in chronological]
            by_source.append((FigureSource(source).label, points))
    return DsgPosition(years=years, figures=figures, by_source=by_source)
