"""Reads of the register of authorities, scoped through the access policy and prefetched."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from portal import access

from .models import Contact, DsgFigure, LocalAuthority


def authority_list(*, user, search: str = "", region: str = "", operating_on: date | None = None) -> QuerySet:
    authorities = access.visible(user, LocalAuthority.objects.select_related("region"))
    if search:
        authorities = authorities.filter(
            Q(name__icontains=search)
            | Q(la_code=search)
            | Q(gss_codes__code__iexact=search)
            | Q(aliases__name__icontains=search)
        ).distinct()
    if region:
        authorities = authorities.filter(region__gss_code=region)
    if operating_on:
        authorities = authorities.operating_on(operating_on)
    return authorities


def authority_detail(*, user, la_code: str) -> LocalAuthority:
    """One authority with what its page shows, each list already narrowed to what the user may see."""
    from programmes.models import Enrolment, EnrolmentTransition

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
