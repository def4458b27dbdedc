"""The service navigation follows the access policy, and pages show a service's refusal on their form."""

import pytest
from django import forms
from django.urls import reverse

from authorities.factories import FinanceLeadFactory
from portal.errors import DomainError
from portal.forms import run_form

pytestmark = pytest.mark.django_db


def _navigation(client):
    return {item["label"]: item["url"] for item in client.get(reverse("portal:home")).context["navigation"]}


def test_a_finance_lead_goes_straight_to_their_own_authority(client_for):
    lead = FinanceLeadFactory()
    client = client_for(lead)
    links = _navigation(client)
    assert links["Your authority"] == reverse("authorities:detail", args=[lead.authority.la_code])
    assert "Authorities" not in links and "Steering group" not in links
    page = client.get(reverse("portal:home")).content.decode()
    assert f'href="{reverse("authorities:detail", args=[lead.authority.la_code])}"' in page


@pytest.mark.parametrize(
    ("who", "authorities", "steering_group"),
    [
        ("dfe_official", True, True),
        ("newton_partner", True, False),
        ("steering_member", False, True),
    ],
)
def test_each_role_sees_the_links_the_policy_gives_it(request, client_for, who, authorities, steering_group):
    links = _navigation(client_for(request.getfixturevalue(who)))
    assert ("Authorities" in links) is authorities
    assert ("Steering group" in links) is steering_group
    assert "Your authority" not in links
    assert {"Home", "Programmes"} <= set(links)


class _Form(forms.Form):
    places = forms.IntegerField()


def test_a_form_runs_the_service_with_its_cleaned_data():
    assert run_form(_Form({"places": "3"}), lambda data: data["places"] * 2) == 6


def test_an_invalid_form_never_reaches_the_service():
    def service(data):
        raise AssertionError("called")

    form = _Form({"places": "many"})
    assert run_form(form, service) is None
    assert "places" in form.errors


def test_a_refusal_naming_a_field_of_the_form_shows_on_that_field():
    def refuse(data):
        raise DomainError("No more than 55 places.", field="places")

    form = _Form({"places": "60"})
    assert run_form(form, refuse) is None
    assert form.errors["places"] == ["No more than 55 places."]


def test_a_refusal_naming_no_field_of_the_form_shows_at_the_top():
    def refuse(data):
        raise DomainError("The proposal was already approved.", field="cohorts")

    form = _Form({"places": "3"})
    assert run_form(form, refuse) is None
    assert form.non_field_errors() == ["The proposal was already approved."]
