"""Where a deadline leads: the page of the record it belongs to (its source), and the programme that
record is part of, for each kind of source (docs/decisions/0027-deadlines-page-and-steering-pages.md).

Deadlines know their source only as a generic relation and import neither programmes nor steering
(docs/decisions/0017-layers.md), so this registry lives in the wiring layer, as config/history_views.py
does; config/urls.py hands `LINKS` to the deadlines page and config/home.py uses it for the home page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import Model, Q, QuerySet, prefetch_related_objects
from django.urls import reverse

from portal import access
from portal.access import Permission
from programmes.models import DiagnosticStage, ManagementPlan, MonitoringReport, Payment, Programme
from steering.models import Action

PROGRAMME = "cohort__programme__code"


@dataclass(frozen=True)
class Source:
    """A kind of record a deadline can belong to: how to load it for its link, the lookup path from
    it to its programme's code ("" when it belongs to no programme), and its page for a user."""

    records: Callable[[], QuerySet]
    programme: str
    page: Callable[[object, Model], str]


def _agreement_page(agreement_id: int) -> str:
    return reverse("programmes:agreement", args=[agreement_id])


def _instalment_page(user, payment) -> str:
    """A Safety Valve instalment: DfE decide it on its own page, others see it on the agreement's. A DBV
    grant's payment is on the grant's page."""
    if payment.grant.agreement_id is None:
        return reverse("programmes:grant-awarded", args=[payment.grant_id])
    if access.can(user, Permission.DECIDE_PAYMENT):
        return reverse("programmes:instalment-decide", args=[payment.pk])
    return _agreement_page(payment.grant.agreement_id)


def _stage_page(user, stage) -> str:
    """The stage's own page for those who log progress; the Diagnostic's page for everyone else."""
    if access.can(user, Permission.LOG_DIAGNOSTIC_PROGRESS):
        return reverse("programmes:diagnostic-stage", args=[stage.diagnostic_id, stage.definition.number])
    return reverse("programmes:diagnostic", args=[stage.diagnostic_id])


SOURCES: dict[type[Model], Source] = {
    MonitoringReport: Source(
        lambda: MonitoringReport.objects.all(),
        f"agreement__enrolment__{PROGRAMME}",
        lambda user, report: _agreement_page(report.agreement_id),
    ),
    Payment: Source(
        lambda: Payment.objects.select_related("grant"), f"grant__enrolment__{PROGRAMME}", _instalment_page
    ),
    DiagnosticStage: Source(
        lambda: DiagnosticStage.objects.select_related("definition"),
        f"diagnostic__enrolment__{PROGRAMME}",
        _stage_page,
    ),
    ManagementPlan: Source(
        lambda: ManagementPlan.objects.select_related("enrolment__authority"),
        f"enrolment__{PROGRAMME}",
        lambda user, plan: reverse("authorities:detail", args=[plan.enrolment.authority.la_code]),
    ),
    # The steering group advises on DBV but its actions are no programme's: under "All programmes" only.
    Action: Source(
        lambda: Action.objects.all(), "", lambda user, action: reverse("steering:action", args=[action.pk])
    ),
}


class DeadlineLinks:
    """What the deadlines page needs to know about deadlines' sources (deadlines.views.SourceLinks)."""

    def attach(self, user, deadlines: Iterable) -> None:
        """Give each deadline `page_url`, its source's page for `user` ("" when there is none): one query
        for each kind of source among them, however many deadlines."""
        deadlines = list(deadlines)
        prefetch_related_objects(
            deadlines, GenericPrefetch("source", [source.records() for source in SOURCES.values()])
        )
        for deadline in deadlines:
            source = deadline.source
            registered = SOURCES.get(type(source)) if source is not None else None
            deadline.page_url = registered.page(user, source) if registered else ""

    def programme_choices(self) -> list[tuple[str, str]]:
        return [(programme.code, programme.name) for programme in Programme.objects.order_by("name")]

    def in_programme(self, code: str) -> Q:
        """Deadlines whose source belongs to the programme `code`."""
        matches = Q(pk__in=[])
        for model, source in SOURCES.items():
            if source.programme:
                records = model.objects.filter(**{source.programme: code}).values("pk")
                matches |= Q(source_type=ContentType.objects.get_for_model(model), source_id__in=records)
        return matches


LINKS = DeadlineLinks()
