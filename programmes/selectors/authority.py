"""One authority's page: the register's facts with the programme records the user may see."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from authorities.models import Contact, DsgFigure, LocalAuthority
from portal import access

from ..models import Enrolment, EnrolmentTransition


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
    """One authority with what its page shows, each list already narrowed to what the user may see."""
    queryset = LocalAuthority.objects.select_related("region").prefetch_related(
        "gss_codes",
        "aliases",
        "successors",
        "predecessors",
        Prefetch(
            "enrolments",
            queryset=access.visible(user, Enrolment.objects.select_related("cohort__programme"))
            .prefetch_related(
                Prefetch("transitions", queryset=EnrolmentTransition.objects.select_related("actor"))
            )
            .order_by("-created_at"),
        ),
        Prefetch("contacts", queryset=access.visible(user, Contact.objects.all())),
        Prefetch(
            "dsg_figures",
            queryset=access.visible(user, DsgFigure.objects.order_by("-financial_year", "source")),
        ),
    )
    return access.get_visible_or_404(user, queryset, la_code=la_code)
