"""Signing in and out, and where each person lands."""

import pytest
from django.urls import reverse

from demo.accounts import demo_accounts

pytestmark = pytest.mark.django_db

DEMO_USERNAMES = ["dfe.official", "newton.partner", "cipfa.partner", "ssg.member", "la.207", "la.838"]


def test_a_signed_out_visitor_to_the_root_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:sign-in")


def test_a_signed_out_visitor_to_a_page_is_sent_to_sign_in_and_back(client):
    response = client.get(reverse("authorities:list"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('portal:sign-in')}?next={reverse('authorities:list')}"


@pytest.mark.parametrize("username", DEMO_USERNAMES)
def test_each_demo_user_signs_in_and_lands_on_their_home_page(client, username, demo_password):
    response = client.post(
        reverse("portal:sign-in"), {"username": username, "password": demo_password}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("portal:home")
    assert response.context["user"].username == username
    assert "Welcome" in response.content.decode()
    assert client.get("/")["Location"] == reverse("portal:home")


def test_seed_demo_makes_every_account_the_brief_names(db):
    usernames = {account["username"] for account in demo_accounts()}
    assert {"dfe.official", "newton.partner", "cipfa.partner", "ssg.member"} <= usernames
    finance_leads = {name for name in usernames if name.startswith("la.")}
    # Five or more DBV authorities and each of the nine Safety Valve 2021-22 authorities.
    assert {
        "la.838",
        "la.312",
        "la.382",
        "la.315",
        "la.372",
        "la.355",
        "la.803",
        "la.936",
        "la.816",
    } <= finance_leads
    assert len(finance_leads) >= 5 + 9


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


def test_a_wrong_password_is_refused_with_a_gov_uk_error_summary(client):
    response = client.post(reverse("portal:sign-in"), {"username": "dfe.official", "password": "wrong"})
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


def test_the_home_page_lists_the_users_own_overdue_and_upcoming_deadlines(client_for, dfe_official):
    from datetime import date, timedelta

    from steering.models import SteeringGroup
    from steering.services import action_create

    ssg_member = __import__("portal.models", fromlist=["User"]).User.objects.get(username="ssg.member")
    group = SteeringGroup.objects.get()
    today = date.today()
    action_create(
        actor=dfe_official,
        group=group,
        description="Draft the paper",
        owner=ssg_member,
        due_on=today + timedelta(days=7),
    )
    action_create(
        actor=dfe_official,
        group=group,
        description="Someone else's",
        owner=dfe_official,
        due_on=today + timedelta(days=7),
    )
    page = client_for(ssg_member).get(reverse("portal:home")).content.decode()
    assert "Draft the paper" in page
    assert "Someone else&#x27;s" not in page and "Someone else's" not in page
    assert "Overdue" in page  # the demo meeting's actions were due in 2022


def test_sign_ins_failed_sign_ins_and_refusals_are_logged(client, caplog, demo_password):
    import logging

    from django.http import Http404

    from authorities.models import LocalAuthority
    from portal import access
    from portal.access import Permission
    from portal.models import User

    caplog.set_level(logging.INFO, logger="portal.audit")
    client.post(reverse("portal:sign-in"), {"username": "la.207", "password": "wrong"})
    client.post(reverse("portal:sign-in"), {"username": "la.207", "password": demo_password})
    lead = User.objects.get(username="la.207")
    with pytest.raises(Http404):
        access.require(lead, Permission.MANAGE_AUTHORITIES, LocalAuthority.objects.get(la_code="316"))
    messages = [record.getMessage() for record in caplog.records if record.name == "portal.audit"]
    assert any(m.startswith("sign-in failed username=la.207") for m in messages)
    assert any(m.startswith("sign-in user=la.207 role=la_finance_lead") for m in messages)
    assert any("refused user=la.207 action=manage_authorities" in m and "out of scope" in m for m in messages)
