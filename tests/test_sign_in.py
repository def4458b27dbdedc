"""Signing in and out, and where each person lands."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from authorities.factories import FinanceLeadFactory
from authorities.models import LocalAuthority
from portal.factories import DeliveryPartnerFactory, DfeOfficialFactory, SteeringMemberFactory
from portal.roles import DeliveryPartner

pytestmark = pytest.mark.django_db


def test_a_signed_out_visitor_to_the_root_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:sign-in")


def test_a_signed_out_visitor_to_a_page_is_sent_to_sign_in_and_back(client):
    response = client.get(reverse("authorities:list"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('portal:sign-in')}?next={reverse('authorities:list')}"


def _person_of(role: str):
    """A factory-made user of each role the portal has, and of each kind of finance lead."""
    if role == "dfe_official":
        return DfeOfficialFactory()
    if role == "newton_partner":
        return DeliveryPartnerFactory(organisation=DeliveryPartner.NEWTON)
    if role == "cipfa_partner":
        return DeliveryPartnerFactory(organisation=DeliveryPartner.CIPFA)
    if role == "steering_member":
        return SteeringMemberFactory()
    # A finance lead of a DBV authority (Kensington and Chelsea) and of a Safety Valve one (Dorset).
    la_code = {"dbv_finance_lead": "207", "safety_valve_finance_lead": "838"}[role]
    return FinanceLeadFactory(authority=LocalAuthority.objects.get(la_code=la_code))


@pytest.mark.parametrize(
    "role",
    [
        "dfe_official",
        "newton_partner",
        "cipfa_partner",
        "steering_member",
        "dbv_finance_lead",
        "safety_valve_finance_lead",
    ],
)
def test_each_role_signs_in_and_lands_on_its_home_page(client, role, test_password):
    person = _person_of(role)
    response = client.post(
        reverse("portal:sign-in"), {"username": person.username, "password": test_password}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("portal:home")
    assert response.context["user"] == person
    assert "Welcome" in response.content.decode()
    assert client.get("/")["Location"] == reverse("portal:home")


def test_each_home_page_speaks_to_the_role(
    client_for, dfe_official, newton_partner, finance_lead, steering_member
):
    assert "operate today" in client_for(dfe_official).get(reverse("portal:home")).content.decode()
    assert "Newton Europe" in client_for(newton_partner).get(reverse("portal:home")).content.decode()
    assert (
        "You act for Kensington and Chelsea"
        in client_for(finance_lead).get(reverse("portal:home")).content.decode()
    )
    assert "Sector Steering Group" in client_for(steering_member).get(reverse("portal:home")).content.decode()


def test_a_wrong_password_is_refused_with_a_gov_uk_error_summary(client, dfe_official):
    response = client.post(
        reverse("portal:sign-in"), {"username": dfe_official.username, "password": "wrong"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "Enter a correct username and password" in page
    assert "<title>Error: Sign in" in page


def test_an_empty_form_names_each_missing_field(client):
    page = client.post(reverse("portal:sign-in"), {"username": "", "password": ""}).content.decode()
    assert "Enter your username" in page
    assert "Enter your password" in page


def test_the_system_account_cannot_sign_in(client):
    from portal.models import User

    system = User.objects.system_user()
    assert not system.has_usable_password()
    response = client.post(reverse("portal:sign-in"), {"username": "system", "password": ""})
    assert "govuk-error-summary" in response.content.decode()


def test_signing_out_ends_the_session(client_for, dfe_official):
    client = client_for(dfe_official)
    response = client.post(reverse("portal:sign-out"))
    assert response["Location"] == reverse("portal:sign-in")
    assert client.get(reverse("portal:home")).status_code == 302


def test_the_home_page_lists_the_users_own_overdue_and_upcoming_deadlines(
    client_for, dfe_official, steering_member, time_machine
):
    from steering.factories import steering_group
    from steering.services import action_create

    time_machine.move_to(datetime(2023, 2, 1, 10, 0, tzinfo=UTC), tick=False)
    group = steering_group()
    today = date(2023, 2, 1)
    action_create(
        actor=dfe_official,
        group=group,
        description="Draft the paper",
        owner=steering_member,
        due_on=today + timedelta(days=7),
    )
    action_create(
        actor=dfe_official,
        group=group,
        description="Share the sector's views",
        owner=steering_member,
        due_on=today - timedelta(days=30),
    )
    action_create(
        actor=dfe_official,
        group=group,
        description="Someone else's",
        owner=dfe_official,
        due_on=today + timedelta(days=7),
    )
    page = client_for(steering_member).get(reverse("portal:home")).content.decode()
    assert "Draft the paper" in page
    assert "Share the sector" in page
    assert "Someone else&#x27;s" not in page and "Someone else's" not in page
    assert "Overdue" in page


def test_sign_ins_failed_sign_ins_and_refusals_are_logged(client, caplog, finance_lead, test_password):
    import logging

    from django.http import Http404

    from portal import access
    from portal.access import Permission

    caplog.set_level(logging.INFO, logger="portal.audit")
    username = finance_lead.username
    client.post(reverse("portal:sign-in"), {"username": username, "password": "wrong"})
    client.post(reverse("portal:sign-in"), {"username": username, "password": test_password})
    with pytest.raises(Http404):
        access.require(finance_lead, Permission.MANAGE_AUTHORITIES, LocalAuthority.objects.get(la_code="316"))
    messages = [record.getMessage() for record in caplog.records if record.name == "portal.audit"]
    assert any(m.startswith(f"sign-in failed username={username}") for m in messages)
    assert any(m.startswith(f"sign-in user={username} role=la_finance_lead") for m in messages)
    assert any(
        f"refused user={username} action=manage_authorities" in m and "out of scope" in m for m in messages
    )
