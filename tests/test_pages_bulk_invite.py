"""Inviting several authorities at once (SPEC §4.2 bulk actions; issue 10): the service, all or nothing, and
its pages — selected on the authority list or an approved tiering proposal's tier, then a question page,
check your answers and a confirmation. Only DfE officials invite."""

import re
from decimal import Decimal
from html import unescape

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from authorities.factories import DsgFigureFactory, LocalAuthorityFactory
from authorities.models import FigureSource, LocalAuthority
from portal.errors import DomainError
from portal.financial_year import FinancialYear
from programmes.factories import cohort
from programmes.models import Enrolment, ProgrammeCode
from programmes.services.enrolment import enrolment_transition, enrolments_invite
from programmes.services.tiering import tiering_approve, tiering_propose

pytestmark = pytest.mark.django_db

QUESTION = reverse("programmes:invite-many")
CHECK = reverse("programmes:invite-many-check")
SENT = reverse("programmes:invite-many-sent")
ESFA = ProgrammeCode.ESFA


def text_of(response) -> str:
    """The page's text without tags, its spaces collapsed: what a reader sees."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def error_summary(response) -> str:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', response.content.decode(), re.S)
    assert match, "no error summary on the page"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(0))).split())


def new_authorities(count: int) -> list[LocalAuthority]:
    """Operating authorities with no enrolment, by name."""
    return sorted((LocalAuthorityFactory() for _ in range(count)), key=lambda la: la.name)


def selection(authorities, **more) -> dict:
    return {"authority": [la.la_code for la in authorities], **more}


def free_dbv_places(actor, count: int) -> None:
    """The 55 reference invitations fill DBV: withdraw `count` of them."""
    for enrolment in Enrolment.objects.open().filter(cohort__programme__code="DBV").order_by("pk")[:count]:
        enrolment_transition(actor=actor, enrolment=enrolment, transition="withdraw", reason="Frees a place")


# --- The service ---------------------------------------------------------------------------------


def test_several_authorities_are_invited_into_one_cohort(dfe_official):
    authorities = new_authorities(3)
    esfa = cohort(ESFA)

    invited = enrolments_invite(
        actor=dfe_official, cohort=esfa, authorities=authorities, reason="Spring round"
    )

    assert [(e.authority, e.cohort, e.status) for e in invited] == [
        (la, esfa, "invited") for la in authorities
    ]
    assert {e.transitions.get().reason for e in invited} == {"Spring round"}


def test_when_dbv_is_full_part_way_nothing_is_written_and_the_refusal_names_the_authority(dfe_official):
    free_dbv_places(dfe_official, 1)
    first, second = new_authorities(2)
    before = Enrolment.objects.count()

    with pytest.raises(DomainError) as refused:
        enrolments_invite(actor=dfe_official, cohort=cohort(ProgrammeCode.DBV), authorities=[first, second])

    assert refused.value.message == (
        f"{second.label} could not be invited: DBV already holds 55 of its 55 places (invited, accepted or "
        "active): withdraw or complete one first. No invitations were sent."
    )
    assert Enrolment.objects.count() == before
    assert not Enrolment.objects.filter(authority__in=[first, second]).exists()


def test_an_authority_already_enrolled_refuses_the_lot(dfe_official):
    newcomer = new_authorities(1)[0]
    kensington = LocalAuthority.objects.get(la_code="207")  # invited into DBV tranche 1
    with pytest.raises(DomainError) as refused:
        enrolments_invite(actor=dfe_official, cohort=cohort(ESFA), authorities=[newcomer, kensington])
    assert refused.value.message.startswith(
        "Kensington and Chelsea (207) already has an open enrolment: DBV, Tranche 1 (invited). "
        "An authority can be in only one of Safety Valve, DBV and ESFA at a time."
    )
    assert refused.value.field == "authorities"
    assert not Enrolment.objects.filter(authority=newcomer).exists()


def test_inviting_nobody_is_refused(dfe_official):
    with pytest.raises(DomainError, match="Select at least one authority to invite"):
        enrolments_invite(actor=dfe_official, cohort=cohort(ESFA), authorities=[])


def test_only_a_dfe_official_invites(finance_lead):
    with pytest.raises(PermissionDenied):
        enrolments_invite(actor=finance_lead, cohort=cohort(ESFA), authorities=new_authorities(1))


# --- From the authority list ---------------------------------------------------------------------


def test_a_dfe_official_selects_authorities_on_the_list(client_for, dfe_official):
    response = client_for(dfe_official).get(reverse("authorities:list"), {"q": "Barnet"})
    html = response.content.decode()
    assert f'<form method="get" action="{QUESTION}"' in html
    assert 'name="authority" type="checkbox" value="302"' in html
    assert '<span class="govuk-visually-hidden">Select Barnet</span>' in html
    assert "Invite the selected authorities" in text_of(response)


def test_other_roles_see_no_selection_on_the_list(client_for, newton_partner, finance_lead):
    for user in (newton_partner, finance_lead):
        html = client_for(user).get(reverse("authorities:list")).content.decode()
        assert 'name="authority"' not in html and "Invite the selected authorities" not in html


def test_authorities_are_invited_through_question_check_and_confirmation(client_for, dfe_official):
    authorities = new_authorities(2)
    esfa = cohort(ESFA)
    client = client_for(dfe_official)

    question = client.get(QUESTION, selection(authorities))
    assert question.status_code == 200
    html = question.content.decode()
    for authority in authorities:
        assert re.search(rf'<input[^>]*name="authorities"[^>]*value="{authority.la_code}"[^>]*checked', html)
    assert f"{esfa.programme.name}, {esfa.name}" in text_of(question)

    address = f"{QUESTION}?{'&'.join(f'authority={la.la_code}' for la in authorities)}"
    response = client.post(
        address,
        {"authorities": [la.la_code for la in authorities], "cohort": esfa.pk, "reason": "Spring round"},
    )
    assert response["Location"] == CHECK

    check = client.get(CHECK)
    page = text_of(check)
    assert "Check your answers" in page and "Authorities (2)" in page
    assert all(f"{la.name} ({la.la_code})" in page for la in authorities)
    assert f"{esfa.programme.name}, {esfa.name}" in page and "Spring round" in page
    assert "Send the invitations" in page
    assert f'href="{address}#id_cohort_1"' in unescape(check.content.decode())
    assert not Enrolment.objects.filter(authority__in=authorities).exists()

    response = client.post(CHECK)
    assert response["Location"] == SENT
    made = list(Enrolment.objects.filter(authority__in=authorities).order_by("authority__name"))
    assert [(e.cohort, e.status) for e in made] == [(esfa, "invited")] * 2
    assert {e.transitions.get().reason for e in made} == {"Spring round"}

    sent = client.get(SENT)
    page = text_of(sent)
    assert "Invitations sent" in page and "2 authorities invited" in page
    for e in made:
        assert f'href="{reverse("programmes:enrolment", args=[e.pk])}"' in sent.content.decode()
        assert f"{e.authority.name} ({e.authority.la_code}) : {esfa.programme.name}, {esfa.name}" in page


def test_the_change_link_brings_back_the_answers(client_for, dfe_official):
    authorities = new_authorities(2)
    esfa = cohort(ESFA)
    client = client_for(dfe_official)
    address = f"{QUESTION}?{'&'.join(f'authority={la.la_code}' for la in authorities)}"
    client.post(address, {"authorities": [authorities[0].la_code], "cohort": esfa.pk, "reason": "Only one"})

    html = client.get(address).content.decode()
    assert re.search(rf'name="authorities"[^>]*value="{authorities[0].la_code}"[^>]*checked', html)
    assert not re.search(rf'name="authorities"[^>]*value="{authorities[1].la_code}"[^>]*checked', html)
    assert "Only one" in html


def test_no_authority_selected_is_an_error_on_the_question_page(client_for, dfe_official):
    client = client_for(dfe_official)
    response = client.get(QUESTION)
    assert response.status_code == 400
    assert "Select at least one authority to invite" in error_summary(response)

    authorities = new_authorities(2)
    address = f"{QUESTION}?{'&'.join(f'authority={la.la_code}' for la in authorities)}"
    response = client.post(address, {"cohort": cohort(ESFA).pk})  # every box unticked
    assert response.status_code == 400
    assert "Select at least one authority to invite" in error_summary(response)
    assert 'href="#id_authorities' in response.content.decode()


def test_no_cohort_chosen_is_an_error(client_for, dfe_official):
    authorities = new_authorities(1)
    response = client_for(dfe_official).post(
        f"{QUESTION}?authority={authorities[0].la_code}", {"authorities": [authorities[0].la_code]}
    )
    assert response.status_code == 400
    assert "Choose the cohort to invite the authorities into" in error_summary(response)


def test_a_full_dbv_refuses_every_invitation_in_the_services_words(client_for, dfe_official):
    free_dbv_places(dfe_official, 1)
    authorities = new_authorities(2)
    client = client_for(dfe_official)
    client.post(
        f"{QUESTION}?{'&'.join(f'authority={la.la_code}' for la in authorities)}",
        {"authorities": [la.la_code for la in authorities], "cohort": cohort(ProgrammeCode.DBV).pk},
    )
    before = Enrolment.objects.count()

    response = client.post(CHECK)

    assert response.status_code == 400
    summary = error_summary(response)
    assert f"{authorities[1].label} could not be invited: DBV already holds 55 of its 55 places" in summary
    assert "No invitations were sent." in summary
    assert Enrolment.objects.count() == before


def test_only_dfe_officials_reach_the_invitation_pages(
    client_for, dfe_official, newton_partner, finance_lead, steering_member
):
    authorities = new_authorities(2)
    query = selection(authorities)
    for user in (newton_partner, finance_lead, steering_member):
        client = client_for(user)
        assert client.get(QUESTION, query).status_code == 403
        assert (
            client.post(
                f"{QUESTION}?authority={authorities[0].la_code}",
                {"authorities": [authorities[0].la_code], "cohort": cohort(ESFA).pk},
            ).status_code
            == 403
        )
        assert client.get(CHECK).status_code == 403
        assert client.post(CHECK).status_code == 403
        assert client.get(SENT).status_code == 403
    assert not Enrolment.objects.filter(authority__in=authorities).exists()


def _queries(client, url, data=None, status=200) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data or {})
    assert response.status_code == status
    return len(queries)


def test_the_question_and_check_pages_make_as_many_queries_for_12_authorities_as_for_2(
    client_for, dfe_official
):
    client = client_for(dfe_official)
    esfa = cohort(ESFA)
    counts = {}
    for size in (2, 12):
        authorities = new_authorities(size)
        codes = [la.la_code for la in authorities]
        question = _queries(client, QUESTION, {"authority": codes})
        client.post(
            f"{QUESTION}?{'&'.join(f'authority={code}' for code in codes)}",
            {"authorities": codes, "cohort": esfa.pk},
        )
        check = _queries(client, CHECK)
        client.post(CHECK)
        sent = _queries(client, SENT)
        counts[size] = (question, check, sent)
    assert counts[2] == counts[12]


# --- From an approved tiering proposal -------------------------------------------------------------

YEAR = FinancialYear(2030)


@pytest.fixture
def approved_proposal(dfe_official):
    """Camden (202) and Greenwich (203) in the Safety Valve tier, Hammersmith and Fulham (205) in DBV, on
    published figures for a year no reference data reaches; approved."""
    for code, millions in (("202", 20), ("203", 15), ("205", 10)):
        DsgFigureFactory(
            authority=LocalAuthority.objects.get(la_code=code),
            financial_year=YEAR,
            source=FigureSource.PUBLISHED,
            total_dsg_allocation=Decimal(100_000_000),
            cumulative_balance=-Decimal(millions) * 1_000_000,
        )
    proposal = tiering_propose(actor=dfe_official, reference_year=YEAR, sv_places=2, dbv_places=1)
    tiering_approve(actor=dfe_official, proposal=proposal)
    return proposal


def test_a_tier_of_an_approved_proposal_is_invited_with_its_programmes_cohort_chosen(
    client_for, dfe_official, approved_proposal
):
    client = client_for(dfe_official)
    query = {"proposal": approved_proposal.pk, "tier": "SV", "authority": ["202", "203"]}

    question = client.get(QUESTION, query)
    html, page = question.content.decode(), text_of(question)
    assert f"Tiering proposal {approved_proposal.pk}, Safety Valve tier" in page
    assert f"Back to tiering proposal {approved_proposal.pk}" in page
    sv = cohort(ProgrammeCode.SAFETY_VALVE)
    # Only the Safety Valve cohorts are offered, and the only one is chosen already.
    assert re.findall(r'<input[^>]*name="cohort"[^>]*>', html) == [
        box for box in re.findall(r'<input[^>]*name="cohort"[^>]*>', html) if f'value="{sv.pk}"' in box
    ]
    assert re.search(rf'<input[^>]*name="cohort"[^>]*value="{sv.pk}"[^>]*checked', html)
    assert "ESFA, 2022-23" not in page

    address = f"{QUESTION}?proposal={approved_proposal.pk}&tier=SV&authority=202&authority=203"
    assert client.post(address, {"authorities": ["202", "203"], "cohort": sv.pk})["Location"] == CHECK
    assert f"Tiering proposal {approved_proposal.pk} (2030-31)" in text_of(client.get(CHECK))
    assert client.post(CHECK)["Location"] == SENT

    made = {e.authority.la_code: e for e in Enrolment.objects.filter(authority__la_code__in=["202", "203"])}
    assert {code: e.cohort for code, e in made.items()} == {"202": sv, "203": sv}
    assert made["203"].transitions.get().reason == (
        f"Tiering proposal {approved_proposal.pk} (2030-31): ranked 2, deficit 15.00% of DSG."
    )
    detail = text_of(client.get(reverse("programmes:tiering-detail", args=[approved_proposal.pk])))
    assert "Safety Valve, 2021-22 round Invited" in detail  # the placements now show their enrolments


def test_the_dbv_tier_comes_with_its_delivery_partners_ticked(client_for, dfe_official, approved_proposal):
    html = (
        client_for(dfe_official)
        .get(QUESTION, {"proposal": approved_proposal.pk, "tier": "DBV", "authority": ["205"]})
        .content.decode()
    )
    for partner in ("newton", "cipfa"):
        assert re.search(rf'<input[^>]*name="partners"[^>]*value="{partner}"[^>]*checked', html)


def test_an_authority_of_another_tier_is_refused_and_nothing_is_sent(
    client_for, dfe_official, approved_proposal
):
    client = client_for(dfe_official)
    sv = cohort(ProgrammeCode.SAFETY_VALVE)
    # The Safety Valve tier's page, with Hammersmith and Fulham (205, DBV tier) slipped in.
    client.post(
        f"{QUESTION}?proposal={approved_proposal.pk}&tier=SV&authority=202&authority=205",
        {"authorities": ["202", "205"], "cohort": sv.pk},
    )
    response = client.post(CHECK)
    assert response.status_code == 400
    assert "Hammersmith and Fulham (205) is proposed for DBV, not Safety Valve" in error_summary(response)
    assert not Enrolment.objects.filter(authority__la_code__in=["202", "205"]).exists()


def test_an_unknown_tier_or_proposal_is_not_found(client_for, dfe_official, approved_proposal):
    client = client_for(dfe_official)
    assert client.get(QUESTION, {"proposal": approved_proposal.pk, "tier": "no figures"}).status_code == 404
    assert client.get(QUESTION, {"proposal": 987654, "tier": "SV"}).status_code == 404
    assert client.get(QUESTION, {"proposal": "x", "tier": "SV"}).status_code == 404
