"""Reads of the register of authorities, scoped through the access policy and prefetched."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from portal import access

from .models import DsgFigure, LocalAuthority


def authority_list(
    *, user, search: str = "", region: str = "", la_type: str = "", operating_on: date | None = None
) -> QuerySet:
    """The authorities the user may see, by name or code (`search`), region GSS code, type and the
    day they operated on, each given filter narrowing the list."""
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
    if la_type:
        authorities = authorities.filter(la_type=la_type)
    if operating_on:
        authorities = authorities.operating_on(operating_on)
    return authorities


def dsg_figure_list(*, user) -> QuerySet:
    """The DSG figures the user may see, each with its authority."""
    return access.visible(user, DsgFigure.objects.select_related("authority"))
