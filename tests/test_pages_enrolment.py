"""Enrolment in the browser: an enrolment's page and timeline, each change to it through a question page, a
check-your-answers page and a confirmation, and inviting one authority from its page (SPEC §4.2)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from authorities.factories import FinanceLeadFactory, LocalAuthorityFactory
from authorities.models import LocalAuthority
from programmes.factories import cohort, dbv_enrolment, enrolment
from programmes.models import Enrolment, EnrolmentStatus, EnrolmentTransition, ProgrammeCode
from programmes.services.enrolment import enrolment_transition

pytestmark = pytest.mark.django_db

S = EnrolmentStatus
ESFA = ProgrammeCode.ESFA


def _page(e: Enrolment) -> str:
    return reverse("programmes:enrolment", args=[e.pk])


def _question(e: Enrolment, transition: str) -> str:
    return reverse("programmes:enrolment-question", args=[e.pk, transition])


def _check(e: Enrolment, transition: str) -> str:
    return reverse("programmes:enrolment-check", args=[e.pk, transition])


def _done(e: Enrolment, transition: str) -> str:
    return reverse("programmes:enrolment-done", args=[e.pk, transition])


def _text(response) -> str:
    """The page's text without tags, its spaces collapsed: what a reader sees."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def _error_summary(response) -> str:
    html = response.content.decode()
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    assert match, "no error summary on the page"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split())


def _state(e: Enrolment) -> tuple:
    """What a change would alter: the enrolment's status, its transitions, and the enrolments there are."""
    e.refresh_from_db()
    return e.status, EnrolmentTransition.objects.filter(enrolment=e).count(), Enrolment.objects.count()


@pytest.fixture
def kensington_dbv() -> Enrolment:
    """The reference DBV enrolment of Kensington and Chelsea (207): Newton's, and the `finance_lead`'s."""
    return Enrolment.objects.get(authority__la_code="207", cohort__programme__code="DBV")


# --- Who sees the pages -----------------------------------------------------------------------


def _urls(e: Enrolment) -> list[str]:
    return [
        _page(e),
        _question(e, "decline"),
        _question(e, "replace"),
        _check(e, "accept"),
        _done(e, "invite"),
    ]


def test_a_dfe_official_opens_every_page_of_an_enrolment(client_for, dfe_official, kensington_dbv):
    client = client_for(dfe_official)
    for url in [
        _page(kensington_dbv),
        _question(kensington_dbv, "decline"),
        _question(kensington_dbv, "replace"),
    ]:
        assert client.get(url).status_code == 200, url
    # The check page without answers goes back to the question; the invitation's confirmation shows.
    assert client.get(_check(kensington_dbv, "accept")).url == _question(kensington_dbv, "accept")
    assert client.get(_done(kensington_dbv, "invite")).status_code == 200


@pytest.mark.parametrize("who", ["newton_partner", "finance_lead"])
def test_a_partner_or_finance_lead_who_sees_the_enrolment_is_refused_its_pages(
    request, client_for, who, kensington_dbv
):
    client = client_for(request.getfixturevalue(who))
    for url in _urls(kensington_dbv):
        assert client.get(url).status_code == 403, url
    assert client.post(_question(kensington_dbv, "decline"), {"reason": "x"}).status_code == 403
    assert client.post(_check(kensington_dbv, "decline")).status_code == 403
    assert _state(kensington_dbv)[0] == S.INVITED


@pytest.mark.parametrize("who", ["newton_partner", "finance_lead", "steering_member"])
def test_an_enrolment_out_of_scope_is_not_found(request, client_for, who):
    sv = Enrolment.objects.filter(cohort__programme__code="SV").order_by("pk").first()  # no partner, not 207
    client = client_for(request.getfixturevalue(who))
    for url in _urls(sv):
        assert client.get(url).status_code == 404, url
    assert client.post(_check(sv, "withdraw")).status_code == 404


def test_a_steering_member_does_not_see_a_dbv_enrolment(client_for, steering_member, kensington_dbv):
    client = client_for(steering_member)
    for url in _urls(kensington_dbv):
        assert client.get(url).status_code == 404, url


def test_signed_out_goes_to_sign_in(client, kensington_dbv):
    response = client.get(_page(kensington_dbv))
    assert response.status_code == 302 and "sign-in" in response.url


def test_an_unknown_change_is_not_found(client_for, dfe_official, kensington_dbv):
    assert client_for(dfe_official).get(f"{_page(kensington_dbv)}promote/").status_code == 404
    assert client_for(dfe_official).get(_done(kensington_dbv, "complete")).status_code == 404  # never made


# --- The enrolment's page ------------------------------------------------------------------------


def test_the_page_shows_the_enrolment_its_timeline_and_the_changes_allowed_now(client_for, dfe_official):
    e = enrolment(programme=ESFA, status=S.ACCEPTED, actor=dfe_official)
    text = _text(client_for(dfe_official).get(_page(e)))
    assert e.authority.name in text and e.cohort.programme.name in text and e.cohort.name in text
    assert "Accepted" in text
    # The timeline: who, when and why, newest first.
    assert text.index("Test: accept") < text.index("Invited By Dana Official")
    assert "By Dana Official on" in text
    # Only what the service allows from accepted: activate and withdraw.
    html = client_for(dfe_official).get(_page(e)).content.decode()
    assert _question(e, "activate") in html and _question(e, "withdraw") in html
    assert _question(e, "accept") not in html and _question(e, "decline") not in html


def test_a_closed_enrolment_offers_only_its_replacement(client_for, dfe_official):
    e = enrolment(programme=ESFA, status=S.DECLINED, actor=dfe_official)
    html = client_for(dfe_official).get(_page(e)).content.decode()
    assert _question(e, "replace") in html and "Replace the authority" in html
    assert _question(e, "withdraw") not in html


def test_the_page_reads_a_fixed_number_of_queries_whatever_its_timeline(client_for, dfe_official):
    client = client_for(dfe_official)
    counts = []
    for status in (S.INVITED, S.COMPLETED):
        e = enrolment(programme=ESFA, status=status, actor=dfe_official)
        client.get(_page(e))  # The session and user, once.
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_page(e)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_authority_page_links_each_enrolment_and_offers_an_invitation_to_dfe_only(
    client_for, dfe_official, finance_lead, kensington_dbv
):
    url = reverse("authorities:detail", args=["207"])
    html = client_for(dfe_official).get(url).content.decode()
    assert _page(kensington_dbv) in html and reverse("programmes:invite", args=["207"]) in html
    html = client_for(finance_lead).get(url).content.decode()
    assert _page(kensington_dbv) not in html and "Invite to a programme" not in html


# --- Each change through the pages -------------------------------------------------------------


@pytest.mark.parametrize(
    "start, transition, reason, end",
    [
        (S.INVITED, "accept", "", S.ACCEPTED),
        (S.INVITED, "decline", "No capacity this year.", S.DECLINED),
        (S.ACCEPTED, "activate", "Kick-off held.", S.ACTIVE),
        (S.ACTIVE, "complete", "", S.COMPLETED),
        (S.ACTIVE, "withdraw", "The authority asked to leave.", S.WITHDRAWN),
    ],
)
def test_each_change_goes_through_question_check_and_confirmation(
    client_for, dfe_official, start, transition, reason, end
):
    e = enrolment(programme=ESFA, status=start, actor=dfe_official)
    client = client_for(dfe_official)
    before = _state(e)

    response = client.post(_question(e, transition), {"reason": reason})
    assert response.status_code == 302 and response.url == _check(e, transition)
    check = client.get(_check(e, transition))
    assert check.status_code == 200 and "Check your answers" in _text(check)
    assert (reason or "None") in _text(check)
    assert f"From {start.label.lower()} to {end.label.lower()}" in _text(check)
    assert _state(e) == before  # Nothing is written before it is confirmed.

    response = client.post(_check(e, transition))
    assert response.status_code == 302 and response.url == _done(e, transition)
    e.refresh_from_db()
    assert e.status == end
    last = e.transitions.order_by("-at", "-pk").first()
    assert (last.name, last.reason, last.actor) == (transition, reason, dfe_official)

    done = client.get(response.url)
    assert done.status_code == 200 and "govuk-panel--confirmation" in done.content.decode()
    assert e.authority.name in _text(done)
    # The answers are gone: the check page asks again rather than record the change twice.
    assert client.get(_check(e, transition)).url == _question(e, transition)


@pytest.mark.parametrize("transition", ["decline", "withdraw"])
def test_a_reason_is_required_where_the_service_needs_one(client_for, dfe_official, transition):
    e = enrolment(programme=ESFA, actor=dfe_official)
    client = client_for(dfe_official)
    response = client.post(_question(e, transition), {"reason": "  "})
    assert response.status_code == 400
    assert f"Enter the reason to {transition} this enrolment" in _error_summary(response)
    assert 'href="#id_reason"' in response.content.decode()
    assert client.get(_check(e, transition)).url == _question(e, transition)  # nothing kept


def test_change_goes_back_to_the_question_with_the_answer_kept(client_for, dfe_official):
    e = enrolment(programme=ESFA, actor=dfe_official)
    client = client_for(dfe_official)
    client.post(_question(e, "decline"), {"reason": "Too busy to start."})
    assert "Too busy to start." in client.get(_question(e, "decline")).content.decode()


def test_a_refusal_shows_the_services_words_and_changes_nothing(client_for, dfe_official):
    e = enrolment(programme=ESFA, actor=dfe_official)
    client = client_for(dfe_official)
    client.post(_question(e, "accept"), {"reason": ""})
    # Meanwhile another official withdraws it.
    enrolment_transition(actor=dfe_official, enrolment=e, transition="withdraw", reason="Left.")
    before = _state(e)

    response = client.post(_check(e, "accept"))
    assert response.status_code == 400
    assert "An enrolment that is withdrawn cannot be accepted" in _error_summary(response)
    assert _state(e) == before


# --- Replacing a declined or withdrawn authority -----------------------------------------------


def test_a_declined_authority_is_replaced_by_a_named_one(client_for, dfe_official):
    e = enrolment(programme=ESFA, status=S.DECLINED, actor=dfe_official)
    newcomer = LocalAuthorityFactory()
    client = client_for(dfe_official)
    before = _state(e)

    response = client.post(
        _question(e, "replace"), {"authority": newcomer.la_code, "reason": "Next on the list."}
    )
    assert response.status_code == 302
    check = _text(client.get(_check(e, "replace")))
    assert f"{newcomer.name} ({newcomer.la_code})" in check and "Next on the list." in check
    assert _state(e) == before

    response = client.post(_check(e, "replace"))
    assert response.url == _done(e, "replace")
    e.refresh_from_db()
    assert e.status == S.REPLACED
    new = Enrolment.objects.get(replaces=e)
    assert (new.authority, new.cohort, new.status) == (newcomer, e.cohort, S.INVITED)
    done = client.get(response.url)
    assert "Authority replaced" in _text(done) and _page(new) in done.content.decode()


def test_a_replacement_already_enrolled_is_refused_in_the_services_words(client_for, dfe_official):
    e = enrolment(programme=ESFA, status=S.WITHDRAWN, actor=dfe_official)
    busy = enrolment(programme=ESFA, actor=dfe_official).authority
    client = client_for(dfe_official)
    client.post(_question(e, "replace"), {"authority": busy.la_code, "reason": "Next on the list."})
    before = _state(e)

    response = client.post(_check(e, "replace"))
    assert response.status_code == 400
    summary = _error_summary(response)
    assert f"{busy.label} already has an open enrolment" in summary
    assert 'href="#id_authority"' in response.content.decode()
    assert _state(e) == before


def test_an_authority_not_on_offer_is_an_error_on_the_page(client_for, dfe_official):
    e = enrolment(programme=ESFA, status=S.DECLINED, actor=dfe_official)
    client = client_for(dfe_official)
    response = client.post(_question(e, "replace"), {"authority": "no-such", "reason": "x"})
    assert response.status_code == 400 and "Choose an authority from the list" in _error_summary(response)
    response = client.post(_question(e, "replace"), {"authority": "", "reason": ""})
    summary = _error_summary(response)
    assert "Choose the authority that takes the place" in summary and "Enter the reason to replace" in summary


def test_answers_changed_in_the_session_are_checked_again(client_for, dfe_official):
    e = enrolment(programme=ESFA, status=S.DECLINED, actor=dfe_official)
    client = client_for(dfe_official)
    client.post(_question(e, "replace"), {"authority": LocalAuthorityFactory().la_code, "reason": "x"})
    session = client.session
    session["enrolment_answers"][f"replace:{e.pk}"]["authority"] = "no-such"
    session.save()
    before = _state(e)
    assert client.post(_check(e, "replace")).status_code == 400
    assert client.get(_check(e, "replace")).status_code == 400
    assert _state(e) == before


# --- Inviting one authority -----------------------------------------------------------------------


def _invite(authority: LocalAuthority) -> str:
    return reverse("programmes:invite", args=[authority.la_code])


def _invite_check(authority: LocalAuthority) -> str:
    return reverse("programmes:invite-check", args=[authority.la_code])


def test_an_authority_is_invited_through_question_check_and_confirmation(client_for, dfe_official):
    authority = LocalAuthorityFactory()
    esfa = cohort(ESFA)
    client = client_for(dfe_official)
    assert client.get(_invite(authority)).status_code == 200

    response = client.post(_invite(authority), {"cohort": esfa.pk, "reason": "From the spring review."})
    assert response.url == _invite_check(authority)
    check = _text(client.get(_invite_check(authority)))
    assert f"{esfa.programme.name}, {esfa.name}" in check and "From the spring review." in check
    assert not Enrolment.objects.filter(authority=authority).exists()

    response = client.post(_invite_check(authority))
    new = Enrolment.objects.get(authority=authority)
    assert response.url == _done(new, "invite")
    assert (new.cohort, new.status) == (esfa, S.INVITED)
    assert new.transitions.get().reason == "From the spring review."
    assert "Invitation sent" in _text(client.get(response.url))


def test_an_invitation_into_dbv_with_its_partners(client_for, dfe_official):
    authority = LocalAuthorityFactory()
    tranche = cohort(ProgrammeCode.DBV, tranche=2)
    withdrawn = Enrolment.objects.open().filter(cohort=tranche).order_by("-authority__la_code").first()
    enrolment_transition(
        actor=dfe_official, enrolment=withdrawn, transition="withdraw", reason="Frees a place"
    )
    client = client_for(dfe_official)
    client.post(_invite(authority), {"cohort": tranche.pk, "partners": ["newton", "cipfa"]})
    assert "Newton Europe, CIPFA" in _text(client.get(_invite_check(authority)))
    client.post(_invite_check(authority))
    new = Enrolment.objects.get(authority=authority)
    assert sorted(new.partner_assignments.values_list("organisation", flat=True)) == ["cipfa", "newton"]


def test_an_invitation_into_a_full_dbv_says_so_and_changes_nothing(client_for, dfe_official):
    authority = LocalAuthorityFactory()
    client = client_for(dfe_official)
    client.post(_invite(authority), {"cohort": cohort(ProgrammeCode.DBV).pk})
    count = Enrolment.objects.count()
    response = client.post(_invite_check(authority))
    assert response.status_code == 400
    assert "already holds 55 of its 55 places" in _error_summary(response)
    assert 'href="#id_cohort' in response.content.decode()
    assert Enrolment.objects.count() == count


def test_an_invitation_needs_a_cohort(client_for, dfe_official):
    authority = LocalAuthorityFactory()
    response = client_for(dfe_official).post(_invite(authority), {"cohort": ""})
    assert response.status_code == 400
    assert "Choose the cohort to invite the authority into" in _error_summary(response)


def test_only_dfe_officials_invite(client_for, newton_partner, finance_lead, steering_member):
    kensington = LocalAuthority.objects.get(la_code="207")
    other = LocalAuthorityFactory()
    assert client_for(newton_partner).get(_invite(kensington)).status_code == 403
    assert client_for(newton_partner).get(_invite(other)).status_code == 404
    assert client_for(finance_lead).get(_invite(kensington)).status_code == 403
    assert client_for(finance_lead).post(_invite_check(kensington)).status_code == 403
    assert client_for(finance_lead).get(_invite(other)).status_code == 404
    assert client_for(steering_member).get(_invite(kensington)).status_code == 404
    lead = FinanceLeadFactory(authority=other)
    assert client_for(lead).post(_invite(other), {"cohort": cohort(ESFA).pk}).status_code == 403
    assert not Enrolment.objects.filter(authority=other).exists()


def test_a_dbv_enrolment_made_by_the_factory_has_its_page(client_for, dfe_official):
    e = dbv_enrolment(actor=dfe_official)
    text = _text(client_for(dfe_official).get(_page(e)))
    assert "CIPFA, Newton Europe" in text


def test_a_change_not_open_now_is_flagged_on_its_question_page(client_for, dfe_official):
    e = enrolment(programme=ESFA, status=S.ACTIVE, actor=dfe_official)
    text = _text(client_for(dfe_official).get(_question(e, "accept")))
    assert "The enrolment is active: this change is not open to it now." in text
