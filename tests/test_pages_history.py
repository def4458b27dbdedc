"""The change-history page (SPEC §4.12): "a page for any business record showing who changed what and when
(before and after per field), linked from the record's page". For DfE officials only (decision 0009): a
record out of the user's scope is a 404, one in scope whose history they may not see a 403."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from authorities.factories import ContactFactory
from authorities.models import LocalAuthority
from config.history_views import HISTORIES
from deadlines.models import Deadline
from deadlines.services import deadline_extend
from portal.financial_year import FinancialYear
from programmes.factories import (
    cohort,
    dbv_engagement,
    dbv_grant,
    dbv_training_session,
    management_plan,
    monitoring_report_submitted,
    sv_agreement,
)
from programmes.models import Diagnostic, Enrolment, ProgrammeCode
from programmes.services.agreement import agreement_vary
from programmes.services.diagnostic import diagnostic_stage_update
from programmes.services.enrolment import enrolment_invite, enrolment_transition
from programmes.services.tiering import tiering_propose
from steering.factories import steering_action, steering_meeting, steering_paper
from steering.services import action_update

pytestmark = pytest.mark.django_db

LINK = "View change history"


def history_url(record) -> str:
    return reverse("history", args=[record._meta.label_lower, record.pk])


def text_of(html: str) -> str:
    """Text with tags dropped and spaces squeezed, as a reader would see it."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def entries_of(response) -> list[str]:
    """The text of each history entry on the page, in the page's order."""
    html = response.content.decode()
    assert response.status_code == 200, response.status_code
    # Each entry is an item of the MOJ Frontend timeline; the page's last one ends where the timeline does.
    timeline = html.split('<div class="moj-timeline">', 1)[1] if "moj-timeline" in html else ""
    timeline = timeline.split('<nav class="govuk-pagination"', 1)[0].split("</main>", 1)[0]
    return [text_of(part) for part in timeline.split('<div class="moj-timeline__item">')[1:]]


def rows_of(entry_html: str) -> list[str]:
    body = entry_html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    return [text_of(row) for row in body.split("</tr>")[:-1]]


def first_entry_rows(response) -> list[str]:
    html = response.content.decode()
    return rows_of(html.split('<div class="moj-timeline__item">', 2)[1])


def kensington_dbv() -> Enrolment:
    """The reference DBV enrolment of Kensington and Chelsea (207): Newton's and CIPFA's, and the `finance_lead`'s."""
    return Enrolment.objects.get(authority__la_code="207", cohort__programme__code=ProgrammeCode.DBV)


@pytest.fixture
def camden_in_esfa(dfe_official) -> Enrolment:
    """Camden (202), invited into ESFA 2022-23 and accepted, by the DfE official, at 10:30 London time on
    1 July 2025 (09:30 UTC, British Summer Time)."""
    with time_machine.travel("2025-07-01 09:30:00+00:00", tick=False):
        enrolment = enrolment_invite(
            actor=dfe_official,
            authority=LocalAuthority.objects.get(la_code="202"),
            cohort=cohort(ProgrammeCode.ESFA),
        )
        return enrolment_transition(actor=dfe_official, enrolment=enrolment, transition="accept")


def an_action_with_updates(count: int, *, actor):
    """A steering action set by `actor` and updated `count` times ("Update 1" first): count + 1 history rows."""
    action = steering_action(actor=actor)
    for number in range(1, count + 1):
        action = action_update(actor=actor, action=action, update=f"Update {number}")
    return action


# --- What a DfE official sees ---------------------------------------------------------------


def test_a_dfe_official_sees_who_withdrew_an_enrolment_and_its_status_before_and_after(
    dfe_official, client_for, camden_in_esfa
):
    with time_machine.travel("2025-11-20 14:05:00+00:00", tick=False):
        enrolment_transition(
            actor=dfe_official, enrolment=camden_in_esfa, transition="withdraw", reason="The authority left."
        )

    response = client_for(dfe_official).get(history_url(camden_in_esfa))

    page = text_of(response.content.decode())
    assert "Change history" in page
    assert "Camden in ESFA 2022-23 (Withdrawn)" in page  # The caption names the record.
    withdrawn, accepted, invited = entries_of(response)
    assert withdrawn.startswith("Changed by Dana Official 20 November 2025 at 14:05")
    assert accepted.startswith("Changed by Dana Official 1 July 2025 at 10:30")  # London time
    assert invited.startswith("Created by Dana Official 1 July 2025 at 10:30")
    assert first_entry_rows(response) == ["Status Accepted Withdrawn"]
    assert "Cohort ESFA 2022-23" in invited and "Authority Camden" in invited and "Status Invited" in invited
    assert f'href="{reverse("programmes:enrolment", args=[camden_in_esfa.pk])}" class="govuk-back-link"' in (
        response.content.decode()
    )


def test_a_dfe_official_sees_a_deadline_extension_with_the_old_and_new_dates(dfe_official, client_for):
    diagnostic = Diagnostic.objects.get(enrolment=kensington_dbv())
    stage = diagnostic.stages.get(definition__number=2)
    with time_machine.travel("2025-01-10 09:00:00+00:00", tick=False):
        diagnostic_stage_update(actor=dfe_official, stage=stage, planned_date=date(2025, 2, 3))
        deadline = Deadline.objects.get(source_id=stage.pk, kind="diagnostic_stage")
        deadline_extend(
            actor=dfe_official, deadline=deadline, new_due_on=date(2025, 3, 3), reason="Partner staff ill."
        )

    response = client_for(dfe_official).get(history_url(deadline))

    extended = entries_of(response)[0]
    assert extended.startswith("Changed by Dana Official 10 January 2025")
    assert sorted(first_entry_rows(response)) == [
        "Due on 3 Feb 2025 3 Mar 2025",
        "Extended to 3 Mar 2025",
        "Extension reason Partner staff ill.",
    ]


def test_a_change_without_a_person_is_the_systems(dfe_official, client_for):
    # The reference data was loaded by the system account; a row with no user at all says "the system".
    authority = LocalAuthority.objects.get(la_code="202")
    authority.history.update(history_user=None)

    entries = entries_of(client_for(dfe_official).get(history_url(authority)))

    assert entries and all(" by the system " in entry for entry in entries)


def test_every_kind_of_record_with_a_history_page_shows_it_with_a_back_link_to_its_page(
    dfe_official, client_for
):
    """One record of each kind in the registry, made through the services, and its history page."""
    agreement = sv_agreement(actor=dfe_official)
    monitoring_report_submitted(agreement.monitoring_reports.order_by("due_on").first())
    agreement_vary(
        actor=dfe_official,
        agreement=agreement,
        varied_on=date(2023, 1, 5),
        reason="A new condition.",
        conditions=[
            *agreement.conditions.order_by("number").values_list("text", flat=True),
            "Publish a plan.",
        ],
        targets=list(
            agreement.targets.values_list("financial_year", "in_year_balance", "cumulative_balance")
        ),
        instalments=list(agreement.contribution.payments.order_by("number").values_list("due_on", "amount")),
    )
    diagnostic = Diagnostic.objects.get(enrolment=kensington_dbv())
    dbv_grant(enrolment=diagnostic.enrolment, actor=dfe_official)
    dbv_engagement(diagnostic, actor=dfe_official)
    dbv_training_session(diagnostic, actor=dfe_official)
    management_plan()
    tiering_propose(actor=dfe_official, reference_year=FinancialYear(2020))
    steering_paper(actor=dfe_official)
    steering_action(actor=dfe_official)
    ContactFactory()
    client = client_for(dfe_official)

    for label, recorded in HISTORIES.items():
        record = recorded.records(dfe_official).order_by("-pk").first()
        assert record is not None, label
        response = client.get(history_url(record))
        assert response.status_code == 200, label
        assert entries_of(response), label
        back = recorded.page(record)
        assert f'href="{back}" class="govuk-back-link"' in response.content.decode(), label
        assert client.get(back).status_code == 200, (label, back)
    # A Safety Valve contribution is shown on its agreement's page.
    assert HISTORIES["programmes.grant"].page(agreement.contribution) == reverse(
        "programmes:agreement", args=[agreement.pk]
    )


# --- Pages, newest first ----------------------------------------------------------------------


def test_history_shows_25_changes_a_page_newest_first_and_page_2_the_older_ones(dfe_official, client_for):
    action = an_action_with_updates(29, actor=dfe_official)  # 30 rows
    client = client_for(dfe_official)

    first = client.get(history_url(action))
    second = client.get(history_url(action), {"page": 2})

    newest = entries_of(first)
    assert len(newest) == 25
    assert "Update 28 Update 29" in newest[0]
    # The page's last change is told against the row before it, which is on the next page.
    assert "Update 4 Update 5" in newest[-1]
    older = entries_of(second)
    assert len(older) == 5
    assert "Update 3 Update 4" in older[0]
    assert older[-1].startswith("Created")
    assert "changes 26 to 30 of 30" in text_of(second.content.decode())
    assert 'aria-label="Page 1"' in second.content.decode() and 'rel="prev"' in second.content.decode()
    # A page past the end is the last; one that is not a number, the first.
    assert entries_of(client.get(history_url(action), {"page": 99})) == older
    assert entries_of(client.get(history_url(action), {"page": "last"})) == newest


def test_history_runs_the_same_number_of_queries_for_3_and_60_rows(dfe_official, client_for):
    short = an_action_with_updates(2, actor=dfe_official)  # 3 rows, on one page
    long = an_action_with_updates(59, actor=dfe_official)  # 60 rows, on three pages
    client = client_for(dfe_official)
    client.get(history_url(short))  # The session and the like, loaded once.

    def queries(action, page=1) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(history_url(action), {"page": page})
        assert response.status_code == 200
        return len(captured)

    # The pages that hold the first row (each field set), with 3 and with 10 changes on them.
    assert queries(short) == queries(long, page=3)
    # Full pages of 25 later changes.
    assert queries(long, page=1) == queries(long, page=2)


# --- Who may see it -------------------------------------------------------------------------


def test_others_get_403_for_a_record_in_their_scope(
    finance_lead, newton_partner, cipfa_partner, steering_member, client_for
):
    own_enrolment = kensington_dbv()
    meeting = steering_meeting()

    for user, record in [
        (finance_lead, own_enrolment),
        (finance_lead, finance_lead.authority),
        (newton_partner, own_enrolment),
        (cipfa_partner, own_enrolment.authority),
        (steering_member, meeting),
    ]:
        assert client_for(user).get(history_url(record)).status_code == 403, (user, record)


def test_others_get_404_for_a_record_out_of_their_scope(
    finance_lead, newton_partner, steering_member, client_for, camden_in_esfa
):
    meeting = steering_meeting()

    for user, record in [
        (finance_lead, camden_in_esfa),
        (finance_lead, camden_in_esfa.authority),
        (finance_lead, meeting),
        (newton_partner, camden_in_esfa),
        (steering_member, kensington_dbv()),
    ]:
        assert client_for(user).get(history_url(record)).status_code == 404, (user, record)


def test_an_unknown_kind_of_record_or_record_is_404(dfe_official, client_for):
    client = client_for(dfe_official)
    missing = Enrolment.objects.order_by("-pk").first().pk + 1

    assert client.get(reverse("history", args=["nothing.here", 1])).status_code == 404
    # People's accounts keep history too, but have no history page.
    assert client.get(reverse("history", args=["portal.user", dfe_official.pk])).status_code == 404
    assert client.get(reverse("history", args=["programmes.enrolment", missing])).status_code == 404


def test_signed_out_the_page_asks_to_sign_in(client):
    response = client.get(history_url(kensington_dbv()))

    assert response.status_code == 302 and response["Location"].startswith(reverse("portal:sign-in"))


# --- Linked from each record's page ---------------------------------------------------------


def _links_to_history(response, record) -> bool:
    assert response.status_code == 200, response.status_code
    return f'href="{history_url(record)}">{LINK}</a>' in response.content.decode()


def test_the_record_pages_link_to_their_history_for_dfe(dfe_official, client_for):
    enrolment = kensington_dbv()
    diagnostic = Diagnostic.objects.get(enrolment=enrolment)
    grant = dbv_grant(enrolment=enrolment, actor=dfe_official)
    with time_machine.travel("2025-01-10 09:00:00+00:00", tick=False):
        stage = diagnostic.stages.get(definition__number=2)
        diagnostic_stage_update(actor=dfe_official, stage=stage, planned_date=date(2025, 2, 3))
        deadline = Deadline.objects.get(source_id=stage.pk, kind="diagnostic_stage")
    client = client_for(dfe_official)

    for page, record in [
        (reverse("authorities:detail", args=["207"]), enrolment.authority),
        (reverse("programmes:enrolment", args=[enrolment.pk]), enrolment),
        (reverse("programmes:diagnostic", args=[diagnostic.pk]), diagnostic),
        (reverse("programmes:grant-awarded", args=[grant.pk]), grant),
        (reverse("deadlines:extend", args=[deadline.pk]), deadline),
    ]:
        assert _links_to_history(client.get(page), record), page
        assert client.get(history_url(record)).status_code == 200, record


def test_the_record_pages_do_not_link_to_history_for_others(
    dfe_official, finance_lead, newton_partner, client_for
):
    enrolment = kensington_dbv()
    diagnostic = Diagnostic.objects.get(enrolment=enrolment)
    grant = dbv_grant(enrolment=enrolment, actor=dfe_official)

    for user, page, record in [
        (finance_lead, reverse("authorities:detail", args=["207"]), enrolment.authority),
        (newton_partner, reverse("authorities:detail", args=["207"]), enrolment.authority),
        (newton_partner, reverse("programmes:diagnostic", args=[diagnostic.pk]), diagnostic),
        (finance_lead, reverse("programmes:grant-awarded", args=[grant.pk]), grant),
    ]:
        response = client_for(user).get(page)
        assert not _links_to_history(response, record), (user, page)
        assert LINK not in response.content.decode()
