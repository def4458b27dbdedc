"""The one access policy: what each role may do (SPEC §2, as written in tests/api_matrix.py), who sees
which authorities, and what out-of-scope looks like (404)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from authorities.factories import FinanceLeadFactory, LocalAuthorityFactory
from authorities.models import LocalAuthority
from portal import access
from portal.access import Permission
from portal.factories import DeliveryPartnerFactory, DfeOfficialFactory, SteeringMemberFactory
from portal.roles import DeliveryPartner, Role
from programmes import factories as programmes_factories
from programmes.models import Enrolment, PartnerAssignment, ProgrammeCode
from programmes.services.enrolment import enrolment_invite
from steering import factories as steering_factories
from tests.api_matrix import DFE, LEAD, MAY, MEMBER, PARTNER, ROLES

pytestmark = pytest.mark.django_db


@pytest.fixture
def person_of():
    """One signed-up person per role of SPEC §2."""
    return {
        DFE: DfeOfficialFactory(),
        PARTNER: DeliveryPartnerFactory(),
        LEAD: FinanceLeadFactory(),
        MEMBER: SteeringMemberFactory(),
    }


@pytest.fixture
def lead():
    """A finance lead of an authority of their own (made for the test)."""
    return FinanceLeadFactory()


# --- What each role may do: SPEC §2, written out in tests/api_matrix.py ---------------------------


def test_the_written_table_has_a_row_for_every_permission_and_names_every_role():
    missing = sorted(set(Permission) - set(MAY))
    assert not missing, f"permissions with no row in MAY (tests/api_matrix.py): {missing}"
    assert set(ROLES) == set(Role.values) - {Role.SYSTEM}
    unknown = {permission: roles - set(ROLES) for permission, roles in MAY.items() if roles - set(ROLES)}
    assert not unknown


@pytest.mark.parametrize("permission", list(Permission), ids=[permission.value for permission in Permission])
def test_each_role_may_do_exactly_what_spec_section_2_says(person_of, permission):
    wrong = {
        role: "allowed" if allowed else "refused"
        for role, person in person_of.items()
        if (allowed := access.can(person, permission)) != (role in MAY[permission])
    }
    assert not wrong, f"{permission}: the policy has these roles the other way round from SPEC §2: {wrong}"


def test_a_signed_out_visitor_may_do_nothing():
    from django.contrib.auth.models import AnonymousUser

    assert not [permission for permission in Permission if access.can(AnonymousUser(), permission)]


def test_a_steering_member_updates_only_the_actions_assigned_to_them(person_of):
    member, dfe = person_of[MEMBER], person_of[DFE]
    theirs = steering_factories.steering_action(owner=member, actor=dfe)
    someone_elses = steering_factories.steering_action(owner=SteeringMemberFactory(), actor=dfe)
    assert access.can(member, Permission.UPDATE_STEERING_ACTION, theirs)
    assert not access.can(member, Permission.UPDATE_STEERING_ACTION, someone_elses)
    assert access.can(dfe, Permission.UPDATE_STEERING_ACTION, someone_elses)


def test_a_role_rule_that_does_not_exist_is_an_error_not_a_yes(dfe_official):
    with pytest.raises(ValueError):
        access.can(dfe_official, "fly")


def test_require_answers_404_out_of_scope_and_403_in_scope(lead):
    with pytest.raises(Http404):
        access.require(lead, Permission.MANAGE_AUTHORITIES, LocalAuthorityFactory())
    with pytest.raises(PermissionDenied):
        access.require(lead, Permission.MANAGE_AUTHORITIES, lead.authority)


# --- Who sees which authorities ------------------------------------------------------------------


def test_a_dfe_official_sees_every_authority(dfe_official):
    LocalAuthorityFactory()
    assert (
        access.visible(dfe_official, LocalAuthority.objects.all()).count() == LocalAuthority.objects.count()
    )


def test_an_la_finance_lead_sees_only_their_own_authority(lead):
    LocalAuthorityFactory()
    assert list(access.visible(lead, LocalAuthority.objects.all())) == [lead.authority]


def test_a_steering_member_sees_no_single_authority(steering_member):
    programmes_factories.enrolment(programme=ProgrammeCode.ESFA)
    assert not access.visible(steering_member, LocalAuthority.objects.all()).exists()


def test_a_signed_out_visitor_sees_nothing():
    from django.contrib.auth.models import AnonymousUser

    assert not access.visible(AnonymousUser(), LocalAuthority.objects.all()).exists()


def test_an_la_finance_lead_gets_404_for_another_authoritys_page(client_for, lead):
    another = LocalAuthorityFactory()
    client = client_for(lead)
    assert client.get(reverse("authorities:detail", args=[lead.authority.la_code])).status_code == 200
    assert client.get(reverse("authorities:detail", args=[another.la_code])).status_code == 404
    # An authority that does not exist answers exactly the same ("099": no authority's code).
    assert client.get(reverse("authorities:detail", args=["099"])).status_code == 404


def test_an_la_finance_leads_list_shows_only_their_authority(client_for, lead):
    another = LocalAuthorityFactory()
    page = client_for(lead).get(reverse("authorities:list")).content.decode()
    assert lead.authority.name in page
    assert another.name not in page
    assert page.count("govuk-table__row") == 2  # the heading row and their own


def test_the_admin_is_for_dfe_officials_only(client_for, dfe_official, lead):
    assert client_for(dfe_official).get("/admin/authorities/localauthority/").status_code == 200
    response = client_for(lead).get("/admin/authorities/localauthority/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_delivery_partner_sees_the_dbv_authorities_assigned_to_their_organisation(
    client_for, dfe_official, newton_partner
):
    newtons = programmes_factories.dbv_enrolment(partners=(DeliveryPartner.NEWTON,), actor=dfe_official)
    cipfas = programmes_factories.dbv_enrolment(partners=(DeliveryPartner.CIPFA,), actor=dfe_official)
    safety_valve = programmes_factories.enrolment(programme=ProgrammeCode.SAFETY_VALVE, actor=dfe_official)

    visible = set(access.visible(newton_partner, LocalAuthority.objects.all()))
    assert newtons.authority in visible
    assert cipfas.authority not in visible and safety_valve.authority not in visible
    assigned = PartnerAssignment.objects.filter(
        organisation=DeliveryPartner.NEWTON, enrolment__cohort__programme__code=ProgrammeCode.DBV
    )
    assert visible == {assignment.enrolment.authority for assignment in assigned.select_related("enrolment")}
    client = client_for(newton_partner)
    assert client.get(reverse("authorities:detail", args=[newtons.authority.la_code])).status_code == 200
    assert client.get(reverse("authorities:detail", args=[cipfas.authority.la_code])).status_code == 404
    assert client.get(reverse("authorities:detail", args=[safety_valve.authority.la_code])).status_code == 404


def test_a_partner_loses_sight_of_an_authority_no_longer_assigned(dfe_official, newton_partner):
    enrolment = programmes_factories.dbv_enrolment(partners=(DeliveryPartner.NEWTON,), actor=dfe_official)
    authority = LocalAuthority.objects.filter(pk=enrolment.authority_id)
    assert access.visible(newton_partner, authority).exists()
    PartnerAssignment.objects.filter(enrolment=enrolment, organisation=DeliveryPartner.NEWTON).delete()
    assert not access.visible(newton_partner, authority).exists()


def test_the_authority_page_shows_its_programme_history(client_for, dfe_official, lead):
    esfa = programmes_factories.cohort(ProgrammeCode.ESFA)
    enrolment_invite(
        actor=dfe_official,
        authority=lead.authority,
        cohort=esfa,
        reason="Tiering proposal: the rest of the authorities",
    )
    page = client_for(lead).get(reverse("authorities:detail", args=[lead.authority.la_code])).content.decode()
    assert f"{esfa.programme.name}, {esfa.name}" in page
    assert "Tiering proposal: the rest of the authorities" in page


def test_enrolments_are_scoped_like_their_authority(dfe_official, lead, newton_partner, steering_member):
    own = programmes_factories.enrolment(authority=lead.authority, programme=ProgrammeCode.ESFA)
    newtons = programmes_factories.dbv_enrolment(partners=(DeliveryPartner.NEWTON,), actor=dfe_official)
    cipfas = programmes_factories.dbv_enrolment(partners=(DeliveryPartner.CIPFA,), actor=dfe_official)

    assert list(access.visible(lead, Enrolment.objects.all())) == [own]
    seen_by_partner = access.visible(newton_partner, Enrolment.objects.all())
    assert newtons in seen_by_partner and cipfas not in seen_by_partner and own not in seen_by_partner
    assert not access.visible(steering_member, Enrolment.objects.all()).exists()
