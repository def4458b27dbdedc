"""The one access policy: who sees which authorities, and what out-of-scope looks like (404)."""

import pytest
from django.urls import reverse

from authorities.models import LocalAuthority
from portal import access
from portal.access import Permission

pytestmark = pytest.mark.django_db


def test_a_dfe_official_sees_every_authority(dfe_official):
    assert (
        access.visible(dfe_official, LocalAuthority.objects.all()).count() == LocalAuthority.objects.count()
    )


def test_an_la_finance_lead_sees_only_their_own_authority(finance_lead):
    assert list(access.visible(finance_lead, LocalAuthority.objects.all())) == [finance_lead.authority]


def test_a_steering_member_sees_no_single_authority(steering_member):
    assert not access.visible(steering_member, LocalAuthority.objects.all()).exists()


def test_a_signed_out_visitor_sees_nothing(client):
    from django.contrib.auth.models import AnonymousUser

    assert not access.visible(AnonymousUser(), LocalAuthority.objects.all()).exists()


def test_an_la_finance_lead_gets_404_for_another_authoritys_page(client_for, finance_lead):
    client = client_for(finance_lead)
    assert client.get(reverse("authorities:detail", args=[finance_lead.authority.la_code])).status_code == 200
    assert client.get(reverse("authorities:detail", args=["316"])).status_code == 404
    # An authority that does not exist answers exactly the same.
    assert client.get(reverse("authorities:detail", args=["999"])).status_code == 404


def test_an_la_finance_leads_list_shows_only_their_authority(client_for, finance_lead):
    page = client_for(finance_lead).get(reverse("authorities:list")).content.decode()
    assert "Kensington and Chelsea" in page
    assert "Southampton" not in page
    assert page.count("govuk-table__row") == 2  # the heading row and their own


def test_the_admin_is_for_dfe_officials_only(client_for, dfe_official, finance_lead):
    assert client_for(dfe_official).get("/admin/authorities/localauthority/").status_code == 200
    response = client_for(finance_lead).get("/admin/authorities/localauthority/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_only_dfe_officials_may_manage_authorities(
    dfe_official, newton_partner, finance_lead, steering_member
):
    assert access.can(dfe_official, Permission.MANAGE_AUTHORITIES)
    for user in (newton_partner, finance_lead, steering_member):
        assert not access.can(user, Permission.MANAGE_AUTHORITIES)


def test_require_answers_404_out_of_scope_and_403_in_scope(finance_lead):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    with pytest.raises(Http404):
        access.require(finance_lead, Permission.MANAGE_AUTHORITIES, LocalAuthority.objects.get(la_code="316"))
    with pytest.raises(PermissionDenied):
        access.require(finance_lead, Permission.MANAGE_AUTHORITIES, finance_lead.authority)


def test_a_role_rule_that_does_not_exist_is_an_error_not_a_yes(dfe_official):
    with pytest.raises(ValueError):
        access.can(dfe_official, "fly")


def test_a_delivery_partner_sees_the_dbv_authorities_assigned_to_their_organisation(
    client_for, newton_partner
):
    from programmes.models import Enrolment

    visible = access.visible(newton_partner, LocalAuthority.objects.all())
    assert set(visible.values_list("la_code", flat=True)) == set(
        Enrolment.objects.filter(cohort__programme__code="DBV").values_list("authority__la_code", flat=True)
    )
    client = client_for(newton_partner)
    assert client.get(reverse("authorities:detail", args=["316"])).status_code == 200  # Newham, DBV tranche 2
    assert client.get(reverse("authorities:detail", args=["838"])).status_code == 404  # Dorset, Safety Valve


def test_a_partner_loses_sight_of_an_authority_no_longer_assigned(newton_partner):
    from programmes.models import PartnerAssignment

    PartnerAssignment.objects.filter(enrolment__authority__la_code="316", organisation="newton").delete()
    assert not access.visible(newton_partner, LocalAuthority.objects.filter(la_code="316")).exists()


def test_the_authority_page_shows_its_programme_history(client_for, finance_lead):
    page = client_for(finance_lead).get(reverse("authorities:detail", args=["207"])).content.decode()
    assert "Delivering Better Value in SEND, Tranche 1" in page
    assert "Reference data: a participating authority in tranche 1" in page


def test_enrolments_are_scoped_like_their_authority(finance_lead, newton_partner, steering_member):
    from programmes.models import Enrolment

    assert set(
        access.visible(finance_lead, Enrolment.objects.all()).values_list("authority__la_code", flat=True)
    ) == {"207"}
    assert access.visible(newton_partner, Enrolment.objects.all()).count() == 55
    assert not access.visible(steering_member, Enrolment.objects.all()).exists()
