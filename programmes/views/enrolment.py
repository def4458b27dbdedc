"""Enrolment pages for DfE officials: one enrolment with its timeline, each change to it, and invitations
of one authority or many, as a GOV.UK question page, a check-your-answers page and a confirmation (SPEC §4.2).

Nothing is written until the official confirms on the check page. The answers wait in the session between
the question page and the check page; on confirming they are validated again by the question page's form
and the service checks every rule, so a refusal (the enrolment moved on meanwhile, DBV is full, the
authority already has an open enrolment) shows on the question page in the service's own words, and
nothing changes.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from authorities.models import LocalAuthority
from portal import access
from portal.access import Permission
from portal.forms import run_form
from portal.roles import DeliveryPartner

from ..forms import BulkInviteForm, EnrolmentInviteForm, EnrolmentReasonForm, EnrolmentReplaceForm
from ..models import Cohort, Enrolment, EnrolmentStatus, Tier
from ..selectors.enrolment import enrolment_detail
from ..selectors.tiering import tiering_proposal_list
from ..services.enrolment import (
    TRANSITIONS,
    allowed_transitions,
    enrolment_invite,
    enrolment_replace,
    enrolment_transition,
    enrolments_invite,
)
from ..services.tiering import INVITED_TIERS, TIER_PARTNERS, TIER_PROGRAMME, tiering_invite
from .agreements import agreement_offered

# Each transition's words on the pages: the button, the question page's heading, the confirmation.
WORDING = {
    "accept": ("Record an acceptance", "Record that the authority accepted", "Acceptance recorded"),
    "decline": ("Record a decline", "Record that the authority declined", "Decline recorded"),
    "activate": ("Activate", "Activate the enrolment", "Enrolment activated"),
    "complete": ("Complete", "Record the enrolment as complete", "Enrolment completed"),
    "withdraw": ("Withdraw", "Withdraw the enrolment", "Enrolment withdrawn"),
    "replace": ("Replace the authority", "Replace the authority", "Authority replaced"),
}
INVITED = "Invitation sent"

STATUS_TAGS = {
    EnrolmentStatus.INVITED: "govuk-tag--blue",
    EnrolmentStatus.ACCEPTED: "govuk-tag--light-blue",
    EnrolmentStatus.ACTIVE: "govuk-tag--green",
    EnrolmentStatus.COMPLETED: "govuk-tag--grey",
    EnrolmentStatus.DECLINED: "govuk-tag--orange",
    EnrolmentStatus.WITHDRAWN: "govuk-tag--red",
    EnrolmentStatus.REPLACED: "govuk-tag--grey",
}

ANSWERS = "enrolment_answers"


# --- Answers kept between the question page and the check page ------------------------------


def _answers_key(kind: str, key) -> str:
    return f"{kind}:{key}"


def _stored(request, key: str) -> dict | None:
    return request.session.get(ANSWERS, {}).get(key)


def _store(request, key: str, answers: dict) -> None:
    request.session[ANSWERS] = {**request.session.get(ANSWERS, {}), key: answers}


def _forget(request, key: str) -> None:
    kept = {k: v for k, v in request.session.get(ANSWERS, {}).items() if k != key}
    request.session[ANSWERS] = kept


# --- One enrolment --------------------------------------------------------------------------


def _managed_enrolment(request, pk) -> Enrolment:
    """The enrolment, if the user sees it (404 otherwise) and manages enrolment (403 otherwise)."""
    enrolment = enrolment_detail(user=request.user, pk=pk)
    access.require(request.user, Permission.MANAGE_ENROLMENT, enrolment)
    return enrolment


def _status_tag(enrolment: Enrolment) -> str:
    return STATUS_TAGS.get(enrolment.status, "govuk-tag--grey")


@login_required
@require_GET
def enrolment_detail_view(request, pk):
    enrolment = _managed_enrolment(request, pk)
    actions = [
        {
            "name": name,
            "label": WORDING[name][0],
            "url": reverse("programmes:enrolment-question", args=[enrolment.pk, name]),
            "warning": name in ("decline", "withdraw"),
        }
        for name in allowed_transitions(enrolment)
    ]
    return render(
        request,
        "programmes/enrolment_detail.html",
        {
            "enrolment": enrolment,
            "status_tag": _status_tag(enrolment),
            "transitions": list(reversed(enrolment.transitions.all())),
            "actions": actions,
            "partners": [DeliveryPartner(a.organisation).label for a in enrolment.partner_assignments.all()],
            "agreement_offered": agreement_offered(request.user, enrolment),
        },
    )


def _transition_or_404(transition: str):
    if transition not in TRANSITIONS:
        raise Http404("No such change to an enrolment.")
    return TRANSITIONS[transition]


def _question_form(request, enrolment, transition, data=None, initial=None):
    step = _transition_or_404(transition)
    if transition == "replace":
        authorities = access.visible(request.user, LocalAuthority.objects.order_by("name"))
        return EnrolmentReplaceForm(data, initial=initial, authorities=authorities)
    return EnrolmentReasonForm(data, initial=initial, verb=step.verb, needs_reason=step.needs_reason)


def _question_page(request, enrolment, transition, form, status=200):
    return render(
        request,
        "programmes/enrolment_question.html",
        {
            "enrolment": enrolment,
            "transition": transition,
            "heading": WORDING[transition][1],
            "form": form,
            "allowed_now": transition in allowed_transitions(enrolment),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_question_view(request, pk, transition):
    enrolment = _managed_enrolment(request, pk)
    _transition_or_404(transition)
    key = _answers_key(transition, enrolment.pk)
    if request.method == "POST":
        form = _question_form(request, enrolment, transition, data=request.POST)
        if form.is_valid():
            answers = {"reason": form.cleaned_data["reason"]}
            if transition == "replace":
                answers["authority"] = form.cleaned_data["authority"].la_code
            _store(request, key, answers)
            return redirect("programmes:enrolment-check", pk=enrolment.pk, transition=transition)
        return _question_page(request, enrolment, transition, form, status=400)
    form = _question_form(request, enrolment, transition, initial=_stored(request, key))
    return _question_page(request, enrolment, transition, form)


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_check_view(request, pk, transition):
    enrolment = _managed_enrolment(request, pk)
    _transition_or_404(transition)
    key = _answers_key(transition, enrolment.pk)
    answers = _stored(request, key)
    if answers is None:
        return redirect("programmes:enrolment-question", pk=enrolment.pk, transition=transition)
    # The stored answers go through the question page's form again: nothing unchecked reaches the service.
    form = _question_form(request, enrolment, transition, data=answers)
    if request.method == "POST":
        if transition == "replace":
            done = run_form(
                form,
                lambda data: enrolment_replace(
                    actor=request.user,
                    enrolment=enrolment,
                    authority=data["authority"],
                    reason=data["reason"],
                ),
            )
        else:
            done = run_form(
                form,
                lambda data: enrolment_transition(
                    actor=request.user, enrolment=enrolment, transition=transition, reason=data["reason"]
                ),
            )
        if done is not None:
            _forget(request, key)
            return redirect("programmes:enrolment-done", pk=enrolment.pk, transition=transition)
        return _question_page(request, enrolment, transition, form, status=400)
    if not form.is_valid():  # The choice stored is no longer on offer: ask again.
        return _question_page(request, enrolment, transition, form, status=400)
    return render(
        request,
        "programmes/enrolment_check.html",
        {
            "enrolment": enrolment,
            "transition": transition,
            "heading": WORDING[transition][1],
            "answers": form.cleaned_data,
            "change_url": reverse("programmes:enrolment-question", args=[enrolment.pk, transition]),
            "from_status": enrolment.get_status_display(),
            "to_status": EnrolmentStatus(TRANSITIONS[transition].target).label,
            "needs_reason": TRANSITIONS[transition].needs_reason,
        },
    )


@login_required
@require_GET
def enrolment_done_view(request, pk, transition):
    enrolment = _managed_enrolment(request, pk)
    if transition != "invite":
        _transition_or_404(transition)
    recorded = [t for t in enrolment.transitions.all() if t.name == transition]
    if not recorded:
        raise Http404("That change has not been made to this enrolment.")
    replacement = None
    if transition == "replace" and enrolment.visible_replaced_by_id:
        replacement = enrolment_detail(user=request.user, pk=enrolment.visible_replaced_by_id)
    return render(
        request,
        "programmes/enrolment_done.html",
        {
            "enrolment": enrolment,
            "title": INVITED if transition == "invite" else WORDING[transition][2],
            "transition": recorded[-1],
            "replacement": replacement,
        },
    )


# --- Inviting one authority -----------------------------------------------------------------


def _invitable_authority(request, la_code) -> LocalAuthority:
    """The authority, if the user sees it (404 otherwise) and manages enrolment (403 otherwise)."""
    authority = get_object_or_404(LocalAuthority, la_code=la_code)
    access.require(request.user, Permission.MANAGE_ENROLMENT, authority)
    return authority


def _invite_page(request, authority, form, status=200):
    return render(
        request, "programmes/enrolment_invite.html", {"authority": authority, "form": form}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def invite_question_view(request, la_code):
    authority = _invitable_authority(request, la_code)
    key = _answers_key("invite", authority.la_code)
    if request.method == "POST":
        form = EnrolmentInviteForm(request.POST)
        if form.is_valid():
            _store(
                request,
                key,
                {
                    "cohort": form.cleaned_data["cohort"].pk,
                    "partners": list(form.cleaned_data["partners"]),
                    "reason": form.cleaned_data["reason"],
                },
            )
            return redirect("programmes:invite-check", la_code=authority.la_code)
        return _invite_page(request, authority, form, status=400)
    return _invite_page(request, authority, EnrolmentInviteForm(initial=_stored(request, key)))


@login_required
@require_http_methods(["GET", "POST"])
def invite_check_view(request, la_code):
    authority = _invitable_authority(request, la_code)
    key = _answers_key("invite", authority.la_code)
    answers = _stored(request, key)
    if answers is None:
        return redirect("programmes:invite", la_code=authority.la_code)
    form = EnrolmentInviteForm(answers)
    if request.method == "POST":
        enrolment = run_form(
            form,
            lambda data: enrolment_invite(
                actor=request.user,
                authority=authority,
                cohort=data["cohort"],
                partners=data["partners"],
                reason=data["reason"],
            ),
        )
        if enrolment is not None:
            _forget(request, key)
            return redirect("programmes:enrolment-done", pk=enrolment.pk, transition="invite")
        return _invite_page(request, authority, form, status=400)
    if not form.is_valid():
        return _invite_page(request, authority, form, status=400)
    return render(
        request,
        "programmes/enrolment_invite_check.html",
        {
            "authority": authority,
            "answers": form.cleaned_data,
            "partners": [DeliveryPartner(p).label for p in form.cleaned_data.get("partners", [])],
            "change_url": reverse("programmes:invite", args=[authority.la_code]),
        },
    )


# --- Inviting several authorities -----------------------------------------------------------
#
# The selection arrives in the query string (`authority` once per LA code, from the checkboxes of the
# authority list or of an approved tiering proposal's tier, with `proposal` and `tier`), so the pages
# work without JavaScript and the question page's form posts back to the same address.

MANY = "invite-many"
INVITED_MANY = "invited_many"


def _selection(request, query) -> dict:
    """What the query string offers: the authorities, and the proposal and tier they come from, if any."""
    codes = list(dict.fromkeys(code.strip() for code in query.getlist("authority") if code.strip()))
    offered = access.visible(request.user, LocalAuthority.objects.filter(la_code__in=codes)).order_by("name")
    proposal, tier = None, None
    if query.get("proposal"):
        tier = query.get("tier")
        if tier not in INVITED_TIERS:
            raise Http404("No such tier of a tiering proposal.")
        try:
            proposal = get_object_or_404(tiering_proposal_list(user=request.user), pk=int(query["proposal"]))
        except ValueError:
            raise Http404("No such tiering proposal.") from None
    cohorts = Cohort.objects.select_related("programme")
    if tier:
        cohorts = cohorts.filter(programme__code=TIER_PROGRAMME[tier])
    return {
        "query": query,
        "codes": codes,
        "offered": offered,
        "proposal": proposal,
        "tier": tier,
        "cohorts": cohorts,
    }


def _many_form(selection, data=None, initial=None) -> BulkInviteForm:
    return BulkInviteForm(data, initial=initial, offered=selection["offered"], cohorts=selection["cohorts"])


def _first_initial(selection) -> dict:
    """The question page's first answers: every offered authority ticked; from a proposal's tier, its
    programme's cohort when it has only one, and DBV's delivery partners."""
    initial = {"authorities": selection["codes"]}
    if selection["tier"]:
        cohorts = list(selection["cohorts"][:2])
        if len(cohorts) == 1:
            initial["cohort"] = cohorts[0].pk
        initial["partners"] = list(TIER_PARTNERS.get(selection["tier"], ()))
    return initial


def _back_link(selection) -> tuple[str, str]:
    if selection["proposal"] is not None:
        proposal = selection["proposal"]
        return reverse(
            "programmes:tiering-detail", args=[proposal.pk]
        ), f"Back to tiering proposal {proposal.pk}"
    return reverse("authorities:list"), "Back to the authorities"


def _many_page(request, selection, form, status=200):
    back_url, back_text = _back_link(selection)
    nothing_offered = not selection["codes"]
    query = selection["query"].urlencode()
    return render(
        request,
        "programmes/enrolment_invite_many.html",
        {
            "form": form,
            "selection": selection,
            "nothing_offered": nothing_offered,
            "back_url": back_url,
            "back_text": back_text,
            # The question page always answers to itself, with its selection, even when the check page shows it.
            "form_action": f"{reverse('programmes:invite-many')}?{query}" if query else "",
            "tier_label": Tier(selection["tier"]).label if selection["tier"] else "",
        },
        status=400 if nothing_offered else status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def invite_many_question_view(request):
    access.require(request.user, Permission.MANAGE_ENROLMENT)
    selection = _selection(request, request.GET)
    if request.method == "POST":
        form = _many_form(selection, data=request.POST)
        if form.is_valid():
            _store(
                request,
                MANY,
                {
                    "query": selection["query"].urlencode(),
                    "authorities": [la.la_code for la in form.cleaned_data["authorities"]],
                    "cohort": form.cleaned_data["cohort"].pk,
                    "partners": list(form.cleaned_data["partners"]),
                    "reason": form.cleaned_data["reason"],
                },
            )
            return redirect("programmes:invite-many-check")
        return _many_page(request, selection, form, status=400)
    stored = _stored(request, MANY)
    coming_back = stored is not None and stored["query"] == selection["query"].urlencode()
    initial = stored if coming_back else _first_initial(selection)
    return _many_page(request, selection, _many_form(selection, initial=initial))


@login_required
@require_http_methods(["GET", "POST"])
def invite_many_check_view(request):
    access.require(request.user, Permission.MANAGE_ENROLMENT)
    answers = _stored(request, MANY)
    if answers is None:
        return redirect("programmes:invite-many")
    selection = _selection(request, QueryDict(answers["query"]))
    # The stored answers go through the question page's form again: nothing unchecked reaches the service.
    form = _many_form(selection, data=answers)
    if request.method == "POST":
        invited = run_form(form, lambda data: _send_invitations(request, selection, data))
        if invited is not None:
            _forget(request, MANY)
            request.session[INVITED_MANY] = [enrolment.pk for enrolment in invited]
            return redirect("programmes:invite-many-sent")
        return _many_page(request, selection, form, status=400)
    if not form.is_valid():  # What was chosen is no longer on offer: ask again.
        return _many_page(request, selection, form, status=400)
    change_url = f"{reverse('programmes:invite-many')}?{answers['query']}"
    return render(
        request,
        "programmes/enrolment_invite_many_check.html",
        {
            "answers": form.cleaned_data,
            "selection": selection,
            "partners": [DeliveryPartner(p).label for p in form.cleaned_data.get("partners", [])],
            "change_url": change_url,
        },
    )


def _send_invitations(request, selection, data) -> list[Enrolment]:
    arguments = {
        "actor": request.user,
        "authorities": list(data["authorities"]),
        "cohort": data["cohort"],
        "partners": data["partners"],
        "reason": data["reason"],
    }
    if selection["proposal"] is not None:
        return tiering_invite(proposal=selection["proposal"], **arguments)
    return enrolments_invite(**arguments)


@login_required
@require_GET
def invite_many_sent_view(request):
    access.require(request.user, Permission.MANAGE_ENROLMENT)
    ids = request.session.get(INVITED_MANY)
    if not ids:
        raise Http404("No invitations have been sent from this page.")
    enrolments = list(
        access.visible(request.user, Enrolment.objects.filter(pk__in=ids))
        .select_related("authority", "cohort__programme")
        .order_by("authority__name")
    )
    return render(request, "programmes/enrolment_invite_many_sent.html", {"enrolments": enrolments})
