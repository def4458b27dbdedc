"""The change-history page of a business record (SPEC §4.12, docs/decisions/0009-history-visibility.md):
`/history/<app_label.model_name>/<pk>/`, who changed what and when, 25 changes a page, newest first.

Only the kinds of record in HISTORIES have one. Each finds the record through its app's scoped
selector, so a record out of the user's scope is a 404 exactly as on its own page, and names the
record's own page for the back link. It lives in the wiring layer because it reads every app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from authorities.models import Contact
from authorities.selectors import authority_list, dsg_figure_list
from deadlines.selectors import deadline_list
from portal import access
from portal.history import history_page
from programmes.models import Agreement, AgreementCondition, AgreementTarget, AgreementVariation, GrantKind
from programmes.selectors.agreement import monitoring_report_list
from programmes.selectors.diagnostic import (
    diagnostic_list,
    diagnostic_stage_list,
    engagement_list,
    training_session_list,
)
from programmes.selectors.enrolment import enrolment_list
from programmes.selectors.grants import grant_list, payment_list
from programmes.selectors.management_plan import management_plan_list
from programmes.selectors.tiering import tiering_proposal_list
from steering.models import SteeringGroup
from steering.selectors import action_list, member_list, paper_list
from steering.selectors import meeting_list as steering_meeting_list


@dataclass(frozen=True)
class Recorded:
    """A kind of record with a history page: the records of it the user may see, and its own page."""

    records: Callable[[object], QuerySet]
    page: Callable[[Model], str]

    def find(self, user, pk: int) -> Model:
        """The record, within the user's scope; a 404 when it is not there or out of scope."""
        return get_object_or_404(self.records(user), pk=pk)


def _authority_page(authority, section: str = "") -> str:
    return reverse("authorities:detail", args=[authority.la_code]) + section


def _agreement_page(agreement) -> str:
    return reverse("programmes:agreement", args=[agreement.pk])


def _grant_page(grant) -> str:
    """A DBV grant's page; a Safety Valve contribution is shown on its agreement's."""
    if grant.kind == GrantKind.DBV_IMPLEMENTATION:
        return reverse("programmes:grant-awarded", args=[grant.pk])
    if grant.agreement_id:
        return reverse("programmes:agreement", args=[grant.agreement_id])
    return _authority_page(grant.enrolment.authority, "#grants")


def _visible(queryset: QuerySet) -> Callable[[object], QuerySet]:
    """For a record with no selector of its own: the policy's scope, as its parent's page applies it."""
    return lambda user: access.visible(user, queryset)


def _agreement_records(model) -> Callable[[object], QuerySet]:
    return _visible(model.objects.select_related("agreement__enrolment__authority"))


def _steering_group_page(_record) -> str:
    return reverse("steering:group")


HISTORIES: dict[str, Recorded] = {
    "authorities.localauthority": Recorded(lambda user: authority_list(user=user), _authority_page),
    "authorities.dsgfigure": Recorded(
        lambda user: dsg_figure_list(user=user), lambda figure: _authority_page(figure.authority, "#dsg")
    ),
    "authorities.contact": Recorded(
        _visible(Contact.objects.select_related("authority")),
        lambda contact: _authority_page(contact.authority),
    ),
    "programmes.enrolment": Recorded(
        lambda user: enrolment_list(user=user),
        lambda enrolment: reverse("programmes:enrolment", args=[enrolment.pk]),
    ),
    "programmes.agreement": Recorded(
        _visible(Agreement.objects.select_related("enrolment__authority")), _agreement_page
    ),
    "programmes.agreementcondition": Recorded(
        _agreement_records(AgreementCondition), lambda condition: _agreement_page(condition.agreement)
    ),
    "programmes.agreementtarget": Recorded(
        _agreement_records(AgreementTarget), lambda target: _agreement_page(target.agreement)
    ),
    "programmes.agreementvariation": Recorded(
        _agreement_records(AgreementVariation), lambda variation: _agreement_page(variation.agreement)
    ),
    "programmes.monitoringreport": Recorded(
        lambda user: monitoring_report_list(user=user), lambda report: _agreement_page(report.agreement)
    ),
    "programmes.diagnostic": Recorded(
        lambda user: diagnostic_list(user=user),
        lambda diagnostic: reverse("programmes:diagnostic", args=[diagnostic.pk]),
    ),
    "programmes.diagnosticstage": Recorded(
        lambda user: diagnostic_stage_list(user=user),
        lambda stage: reverse(
            "programmes:diagnostic-stage", args=[stage.diagnostic_id, stage.definition.number]
        ),
    ),
    "programmes.stakeholderengagement": Recorded(
        lambda user: engagement_list(user=user),
        lambda engagement: reverse("programmes:diagnostic", args=[engagement.diagnostic_id]),
    ),
    "programmes.trainingsession": Recorded(
        lambda user: training_session_list(user=user),
        lambda session: reverse("programmes:diagnostic", args=[session.diagnostic_id]),
    ),
    "programmes.grant": Recorded(lambda user: grant_list(user=user), _grant_page),
    "programmes.payment": Recorded(
        lambda user: payment_list(user=user), lambda payment: _grant_page(payment.grant)
    ),
    "programmes.managementplan": Recorded(
        lambda user: management_plan_list(user=user),
        lambda plan: _authority_page(plan.enrolment.authority),
    ),
    "programmes.tieringproposal": Recorded(
        lambda user: tiering_proposal_list(user=user),
        lambda proposal: reverse("programmes:tiering-detail", args=[proposal.pk]),
    ),
    "deadlines.deadline": Recorded(
        lambda user: deadline_list(user=user),
        lambda deadline: reverse("deadlines:extend", args=[deadline.pk]),
    ),
    "steering.steeringgroup": Recorded(_visible(SteeringGroup.objects.all()), _steering_group_page),
    "steering.member": Recorded(lambda user: member_list(user=user), _steering_group_page),
    "steering.meeting": Recorded(
        lambda user: steering_meeting_list(user=user),
        lambda meeting: reverse("steering:meeting", args=[meeting.pk]),
    ),
    "steering.paper": Recorded(lambda user: paper_list(user=user), _steering_group_page),
    "steering.action": Recorded(
        lambda user: action_list(user=user), lambda action: reverse("steering:action", args=[action.pk])
    ),
}


@login_required
@require_GET
def history_view(request, record: str, pk: int):
    recorded = HISTORIES.get(record)
    if recorded is None:
        raise Http404("No change history is kept for that kind of record.")
    obj = recorded.find(request.user, pk)
    page = history_page(user=request.user, obj=obj, page_number=request.GET.get("page"))
    return render(
        request,
        "portal/history.html",
        {
            "record": obj,
            "back_url": recorded.page(obj),
            "page": page,
            "page_links": list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)),
        },
    )
