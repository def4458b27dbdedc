"""The REST API (issue 5): tokens, me, enrolment through the API, error shapes, pagination, filters,
tiering proposals, throttling, the schema and its docs."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from authorities.factories import FinanceLeadFactory
from authorities.models import DsgFigure, FigureSource, LocalAuthority
from portal.financial_year import FinancialYear
from programmes.api.enrolments import EnrolmentViewSet
from programmes.models import Cohort, Enrolment, EnrolmentStatus, EnrolmentTransition, ProposalStatus, Tier
from programmes.services.enrolment import TRANSITIONS, allowed_transitions
from tests.api_client import api_client_for, error_of

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def api_for():
    return api_client_for


@pytest.fixture
def dfe_api(api_for, dfe_official):
    return api_for(dfe_official)


@pytest.fixture
def esfa():
    return Cohort.objects.get(programme__code="ESFA")


@pytest.fixture
def free_authorities():
    return list(
        LocalAuthority.objects.operating_on(date.today())
        .filter(enrolments__isnull=True)
        .order_by("la_code")[:4]
    )


# --- Tokens and me -----------------------------------------------------------------------------


def test_a_token_is_obtained_with_username_and_password_and_authenticates(dfe_official, test_password):
    api = APIClient()
    credentials = {"username": dfe_official.username, "password": test_password}
    response = api.post(f"{API}/auth/token/", credentials)
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(user=dfe_official).key == token
    again = api.post(f"{API}/auth/token/", credentials)
    assert again.json()["token"] == token

    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get(f"{API}/me/").json()["username"] == dfe_official.username


def test_a_wrong_password_gets_no_token(dfe_official):
    response = APIClient().post(
        f"{API}/auth/token/", {"username": dfe_official.username, "password": "wrong"}
    )
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert "Unable to sign in" in error["message"]
    assert not Token.objects.filter(user=dfe_official).exists()


def test_missing_credentials_are_field_errors(dfe_official):
    response = APIClient().post(f"{API}/auth/token/", {"username": dfe_official.username})
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["password"]


def test_a_revoked_token_answers_401(dfe_api, dfe_official):
    assert dfe_api.get(f"{API}/me/").status_code == 200
    assert dfe_api.delete(f"{API}/auth/token/").status_code == 204
    assert not Token.objects.filter(user=dfe_official).exists()
    response = dfe_api.get(f"{API}/me/")
    assert response.status_code == 401
    assert error_of(response)["code"] == "authentication_failed"


def test_without_credentials_the_api_answers_401_with_the_token_challenge():
    response = APIClient().get(f"{API}/enrolments/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert error_of(response)["code"] == "not_authenticated"


def test_a_session_works_too_and_its_writes_need_the_csrf_token(dfe_official):
    client = Client(enforce_csrf_checks=True)
    client.force_login(dfe_official)
    assert client.get(f"{API}/me/").json()["role"] == "dfe_official"
    response = client.post(f"{API}/tiering-proposals/", {"sv_places": 1}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in error_of(response)["message"]


@pytest.fixture
def dorset_finance_lead(db):
    return FinanceLeadFactory(authority=LocalAuthority.objects.get(la_code="838"))


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("dfe_official", {"role": "dfe_official", "organisation": None, "authority": None}),
        ("newton_partner", {"role": "delivery_partner", "organisation": "newton", "authority": None}),
        ("finance_lead", {"role": "la_finance_lead", "organisation": None, "authority": "207"}),
        ("dorset_finance_lead", {"role": "la_finance_lead", "organisation": None, "authority": "838"}),
        ("steering_member", {"role": "steering_member", "organisation": None, "authority": None}),
    ],
)
def test_me_tells_each_role_who_they_are(request, api_for, person, expected):
    user = request.getfixturevalue(person)
    body = api_for(user).get(f"{API}/me/").json()
    assert body["username"] == user.username
    assert {key: body[key] for key in expected} == expected


# --- Enrolment through the API -----------------------------------------------------------------


def test_inviting_and_moving_an_enrolment_records_the_api_user(dfe_api, dfe_official, free_authorities, esfa):
    authority = free_authorities[0]
    response = dfe_api.post(
        f"{API}/enrolments/", {"authority": authority.la_code, "cohort": esfa.pk, "reason": "API test"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["authority"], body["programme"], body["cohort"], body["tranche"], body["status"]) == (
        authority.la_code,
        "ESFA",
        esfa.pk,
        None,
        "invited",
    )
    assert body["allowed_transitions"] == ["accept", "decline", "withdraw"]
    assert body["transitions"][0]["actor"] == dfe_official.username

    for name, status in (("accept", "accepted"), ("activate", "active"), ("complete", "completed")):
        response = dfe_api.post(f"{API}/enrolments/{body['id']}/{name}/", {})
        assert response.status_code == 200, response.content
        assert response.json()["status"] == status

    enrolment = Enrolment.objects.get(pk=body["id"])
    assert enrolment.status == EnrolmentStatus.COMPLETED
    log = EnrolmentTransition.objects.filter(enrolment=enrolment).order_by("at", "pk")
    assert [t.name for t in log] == ["invite", "accept", "activate", "complete"]
    assert {t.actor for t in log} == {dfe_official}
    assert {h.history_user for h in enrolment.history.all()} == {dfe_official}


def test_a_refused_transition_answers_409_with_the_allowed_ones(dfe_api, free_authorities, esfa):
    enrolment_id = dfe_api.post(
        f"{API}/enrolments/", {"authority": free_authorities[0].la_code, "cohort": esfa.pk}
    ).json()["id"]
    response = dfe_api.post(f"{API}/enrolments/{enrolment_id}/complete/", {})
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "transition_not_allowed"
    assert error["allowed_transitions"] == ["accept", "decline", "withdraw"]
    assert error["allowed_transitions"] == allowed_transitions(Enrolment.objects.get(pk=enrolment_id))
    assert Enrolment.objects.get(pk=enrolment_id).status == EnrolmentStatus.INVITED


def test_declining_without_a_reason_is_a_field_error(dfe_api, free_authorities, esfa):
    enrolment_id = dfe_api.post(
        f"{API}/enrolments/", {"authority": free_authorities[0].la_code, "cohort": esfa.pk}
    ).json()["id"]
    response = dfe_api.post(f"{API}/enrolments/{enrolment_id}/decline/", {"reason": "  "})
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert list(error["fields"]) == ["reason"]
    assert error["message"] == error["fields"]["reason"][0]


def test_invitation_input_errors_name_their_fields(dfe_api, esfa):
    response = dfe_api.post(
        f"{API}/enrolments/", {"authority": "999", "cohort": 987654, "partners": ["acme"]}
    )
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"authority", "cohort", "partners.0"}

    already = Enrolment.objects.open().first().authority  # a rule of the service, not of the input
    response = dfe_api.post(f"{API}/enrolments/", {"authority": already.la_code, "cohort": esfa.pk})
    assert response.status_code == 400
    error = error_of(response)
    assert list(error["fields"]) == ["authority"]
    assert "already has an open enrolment" in error["message"]


def test_a_body_that_is_not_json_is_refused(dfe_api):
    response = dfe_api.post(
        f"{API}/enrolments/", "authority=202", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"
    response = dfe_api.post(f"{API}/enrolments/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert error_of(response)["code"] == "parse_error"


def test_replacing_a_withdrawn_enrolment_invites_the_new_authority_in_its_place(
    dfe_api, free_authorities, esfa
):
    first, second = free_authorities[:2]
    old = dfe_api.post(f"{API}/enrolments/", {"authority": first.la_code, "cohort": esfa.pk}).json()["id"]
    assert dfe_api.post(f"{API}/enrolments/{old}/withdraw/", {"reason": "Opted out"}).status_code == 200

    response = dfe_api.post(
        f"{API}/enrolments/{old}/replace/", {"authority": second.la_code, "reason": "Next"}
    )
    assert response.status_code == 201, response.content
    new = response.json()
    assert (new["authority"], new["status"], new["replaces"]) == (second.la_code, "invited", old)
    assert dfe_api.get(f"{API}/enrolments/{old}/").json()["replaced_by"] == new["id"]
    assert Enrolment.objects.get(pk=old).status == EnrolmentStatus.REPLACED


def test_replace_needs_an_authority_and_a_reason(dfe_api, free_authorities, esfa):
    old = dfe_api.post(
        f"{API}/enrolments/", {"authority": free_authorities[0].la_code, "cohort": esfa.pk}
    ).json()
    response = dfe_api.post(f"{API}/enrolments/{old['id']}/replace/", {})
    assert set(error_of(response)["fields"]) == {"authority", "reason"}
    response = dfe_api.post(
        f"{API}/enrolments/{old['id']}/replace/", {"authority": free_authorities[1].la_code, "reason": "x"}
    )
    assert response.status_code == 409  # an invited enrolment is not replaced: withdraw it first
    assert error_of(response)["allowed_transitions"] == ["accept", "decline", "withdraw"]


def test_every_enrolment_transition_has_its_api_action():
    actions = {extra.url_path for extra in EnrolmentViewSet.get_extra_actions()}
    assert actions == set(TRANSITIONS)


def test_a_finance_lead_sees_no_link_to_another_authoritys_enrolment(
    api_for, dfe_official, free_authorities, esfa
):
    """`replaces` and `replaced_by` name only enrolments the caller may see."""
    first, second = free_authorities[:2]
    finance_lead = FinanceLeadFactory(authority=second)
    dfe_api = api_for(dfe_official)
    old = dfe_api.post(f"{API}/enrolments/", {"authority": first.la_code, "cohort": esfa.pk}).json()["id"]
    dfe_api.post(f"{API}/enrolments/{old}/withdraw/", {"reason": "Opted out"})
    new = dfe_api.post(
        f"{API}/enrolments/{old}/replace/", {"authority": second.la_code, "reason": "Next"}
    ).json()
    assert new["replaces"] == old

    seen = api_for(finance_lead).get(f"{API}/enrolments/{new['id']}/").json()
    assert seen["replaces"] is None
    assert api_for(finance_lead).get(f"{API}/enrolments/{old}/").status_code == 404


# --- Reads: pagination, filters, representation -----------------------------------------------


def test_filters_find_the_dbv_enrolments_of_tranche_2(dfe_api):
    body = dfe_api.get(f"{API}/enrolments/", {"programme": "DBV", "tranche": 2}).json()
    assert body["count"] == 20
    assert {(row["programme"], row["tranche"]) for row in body["results"]} == {("DBV", 2)}
    assert dfe_api.get(f"{API}/enrolments/", {"programme": "SV", "status": "active"}).json()["count"] == 9
    assert dfe_api.get(f"{API}/enrolments/", {"authority": "207"}).json()["count"] == 1
    assert dfe_api.get(f"{API}/enrolments/", {"financial_year": "2021-22"}).json()["count"] == 9
    london = dfe_api.get(f"{API}/enrolments/", {"region": "London"}).json()["results"]
    assert london and {row["authority"] for row in london} <= set(
        LocalAuthority.objects.filter(region__name="London").values_list("la_code", flat=True)
    )


def test_authorities_filter_by_their_enrolments(dfe_api):
    body = dfe_api.get(f"{API}/authorities/", {"programme": "DBV", "tranche": 3, "page_size": 100}).json()
    assert body["count"] == Enrolment.objects.filter(cohort__programme__code="DBV", cohort__tranche=3).count()
    assert (
        dfe_api.get(f"{API}/authorities/", {"search": "Kensington"}).json()["results"][0]["la_code"] == "207"
    )


def test_a_filter_value_that_is_not_valid_is_a_400_naming_the_filter(dfe_api):
    response = dfe_api.get(
        f"{API}/enrolments/", {"financial_year": "2022-24", "programme": "XYZ", "tranche": "two"}
    )
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"financial_year", "programme", "tranche"}


def test_ordering(dfe_api):
    rows = dfe_api.get(f"{API}/authorities/", {"ordering": "-la_code", "page_size": 3}).json()["results"]
    codes = [row["la_code"] for row in rows]
    assert codes == sorted(codes, reverse=True)


def test_pages_hold_at_most_500_rows(dfe_api, dfe_official):
    authorities = list(LocalAuthority.objects.order_by("la_code")[:150])
    DsgFigure.objects.bulk_create(
        DsgFigure(authority=authority, financial_year=FinancialYear(year), source=FigureSource.LA_RETURN)
        for authority in authorities
        for year in range(2040, 2044)
    )
    total = DsgFigure.objects.count()
    assert total > 500
    body = dfe_api.get(f"{API}/dsg-returns/", {"page_size": 1000}).json()
    assert (body["count"], len(body["results"])) == (total, 500)
    assert body["next"] and "page=2" in body["next"] and body["previous"] is None
    assert len(dfe_api.get(f"{API}/dsg-returns/").json()["results"]) == 50
    response = dfe_api.get(f"{API}/dsg-returns/", {"page": 9999})
    assert response.status_code == 404
    assert error_of(response)["message"] == "Invalid page."


def test_dsg_figures_show_their_source_and_money_as_exact_strings(api_for, finance_lead):
    figure = DsgFigure.objects.create(
        authority=finance_lead.authority,
        financial_year=FinancialYear(2050),
        source=FigureSource.LA_RETURN,
        total_dsg_allocation=Decimal("123456789.10"),
        cumulative_balance=Decimal("-1234567.89"),
    )
    body = api_for(finance_lead).get(f"{API}/dsg-returns/{figure.pk}/").json()
    assert body["authority"] == "207"
    assert body["financial_year"] == "2050-51"
    assert body["source"] == "la_return"
    assert body["total_dsg_allocation"] == "123456789.10"
    assert body["cumulative_balance"] == "-1234567.89"
    assert body["deficit_percent"] == "1.00"
    listing = api_for(finance_lead).get(f"{API}/dsg-returns/", {"page_size": 500}).json()
    assert {row["authority"] for row in listing["results"]} == {"207"}
    assert all(row["source"] in FigureSource.values for row in listing["results"])


def test_authorities_are_addressed_by_la_code_and_programmes_by_code(dfe_api):
    authority = dfe_api.get(f"{API}/authorities/202/").json()
    assert (authority["la_code"], authority["name"], authority["gss_code"]) == ("202", "Camden", "E09000007")
    programme = dfe_api.get(f"{API}/programmes/DBV/").json()
    assert programme["places"] == 55
    assert sorted(c["tranche"] for c in programme["cohorts"]) == [1, 2, 3]
    assert dfe_api.get(f"{API}/authorities/20/").status_code == 404
    assert dfe_api.get(f"{API}/programmes/sv/").status_code == 404


def test_the_steering_group_lists_every_seat_with_the_chair(api_for, steering_member):
    body = api_for(steering_member).get(f"{API}/steering-group/members/").json()
    seats = body["results"]
    assert body["count"] == len(seats) == 14
    assert [seat["role"] for seat in seats].count("chair") == 1
    vacant = [seat for seat in seats if seat["vacant"]]
    assert len(vacant) == 1 and vacant[0]["name"] == ""
    assert {"name", "job_title", "organisation", "role", "vacant"} <= set(seats[0])


def test_out_of_scope_and_absent_records_look_the_same(api_for, finance_lead):
    api = api_for(finance_lead)
    other = Enrolment.objects.exclude(authority=finance_lead.authority).first()
    out_of_scope, absent = api.get(f"{API}/enrolments/{other.pk}/"), api.get(f"{API}/enrolments/987654/")
    assert out_of_scope.status_code == absent.status_code == 404
    assert (
        out_of_scope.json()
        == absent.json()
        == {"error": {"code": "not_found", "message": "Not found.", "fields": {}}}
    )
    for bad in ("abc", "0", "-1", "99999999999999999999999"):
        assert api.get(f"{API}/enrolments/{bad}/").json() == absent.json()


def test_an_unknown_api_path_is_a_json_404():
    response = APIClient().get(f"{API}/no-such-thing/")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


# --- Tiering proposals -------------------------------------------------------------------------


def test_a_tiering_proposal_places_every_authority(dfe_api):
    response = dfe_api.post(f"{API}/tiering-proposals/", {"reference_year": "2020-21", "sv_places": 5})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["reference_year"], body["sv_places"], body["dbv_places"], body["status"]) == (
        "2020-21",
        5,
        55,
        "draft",
    )
    placements = body["placements"]
    tiers = [p["tier"] for p in placements]
    assert tiers.count("SV") == body["tier_counts"]["SV"] == 5
    assert tiers.count("DBV") == 55
    assert set(tiers) <= set(Tier.values) and "ESFA" in tiers and "excluded" in tiers
    ranked = [p for p in placements if p["rank"] is not None]
    assert [p["rank"] for p in ranked] == list(range(1, len(ranked) + 1))
    assert all(p["deficit_percent"] is not None and p["authority"] for p in ranked)
    assert [p["tier"] for p in ranked[:5]] == ["SV"] * 5
    assert all(p["rank"] is None for p in placements if p["tier"] in ("excluded", "no figures"))

    listed = dfe_api.get(f"{API}/tiering-proposals/").json()
    assert listed["results"][0]["id"] == body["id"] and "placements" not in listed["results"][0]
    assert dfe_api.get(f"{API}/tiering-proposals/{body['id']}/").json()["placements"] == placements


def test_tiering_proposal_inputs_are_checked(dfe_api):
    response = dfe_api.post(f"{API}/tiering-proposals/", {"sv_places": -1, "reference_year": "2020-22"})
    assert set(error_of(response)["fields"]) == {"sv_places", "reference_year"}
    response = dfe_api.post(f"{API}/tiering-proposals/", {"sv_places": 5000})
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["sv_places"]  # refused by the service


def test_only_a_dfe_official_runs_or_sees_tiering_proposals(api_for, dfe_api, finance_lead):
    proposal = dfe_api.post(f"{API}/tiering-proposals/", {"sv_places": 2}).json()
    lead = api_for(finance_lead)
    assert lead.post(f"{API}/tiering-proposals/", {"sv_places": 2}).status_code == 403
    assert lead.get(f"{API}/tiering-proposals/").json()["count"] == 0
    assert lead.get(f"{API}/tiering-proposals/{proposal['id']}/").status_code == 404
    assert lead.post(f"{API}/tiering-proposals/{proposal['id']}/approve/", {}).status_code == 404


def test_approving_a_proposal_invites_into_the_cohorts_once(dfe_api, dfe_official):
    # No DBV places: the reference enrolments already fill DBV's 55.
    proposal = dfe_api.post(f"{API}/tiering-proposals/", {"sv_places": 3, "dbv_places": 0}).json()
    cohorts = {
        "SV": Cohort.objects.get(programme__code="SV").pk,
        "ESFA": Cohort.objects.get(programme__code="ESFA").pk,
    }
    enrolled = set(Enrolment.objects.open().values_list("authority__la_code", flat=True))
    ended = set(
        LocalAuthority.objects.exclude(pk__in=LocalAuthority.objects.operating_on(date.today())).values_list(
            "la_code", flat=True
        )
    )
    skipped = enrolled | ended
    proposed = {p["authority"]: p["tier"] for p in proposal["placements"] if p["tier"] in ("SV", "ESFA")}

    response = dfe_api.post(f"{API}/tiering-proposals/{proposal['id']}/approve/", {"cohorts": cohorts})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["proposal"]["status"] == ProposalStatus.APPROVED
    invited = {row["authority"] for row in body["invited"]}
    assert invited == {code for code in proposed if code not in skipped}
    assert {row["authority"] for row in body["skipped"]} == {code for code in proposed if code in skipped}
    sv = [row for row in body["invited"] if proposed[row["authority"]] == "SV"]
    assert len(sv) == 3 and {row["cohort"] for row in sv} == {cohorts["SV"]}
    transition = EnrolmentTransition.objects.get(enrolment_id=sv[0]["id"], name="invite")
    assert transition.actor == dfe_official

    again = dfe_api.post(f"{API}/tiering-proposals/{proposal['id']}/approve/", {"cohorts": cohorts})
    assert again.status_code == 400
    assert "only once" in error_of(again)["message"]


def test_approval_needs_the_cohort_of_each_tier(dfe_api):
    proposal = dfe_api.post(f"{API}/tiering-proposals/", {"sv_places": 3}).json()
    response = dfe_api.post(f"{API}/tiering-proposals/{proposal['id']}/approve/", {"cohorts": {"SV": 987654}})
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["cohorts.SV"]
    response = dfe_api.post(f"{API}/tiering-proposals/{proposal['id']}/approve/", {"cohorts": {}})
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["cohorts"]


# --- Throttling, schema, docs ------------------------------------------------------------------


def test_callers_are_throttled_with_the_same_error_shape(dfe_api, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/minute", "user": "3/minute", "token": "1/minute"},
    }
    statuses = [dfe_api.get(f"{API}/me/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = dfe_api.get(f"{API}/me/")
    assert error_of(response)["code"] == "throttled"
    assert int(response["Retry-After"]) > 0

    # Anonymous callers are counted by address where they are let in (permissions come first).
    anonymous = APIClient()
    assert [anonymous.get(f"{API}/schema/").status_code for _ in range(3)] == [200, 200, 429]


def test_token_requests_are_throttled_by_address(settings, dfe_official):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100/minute", "user": "100/minute", "token": "2/minute"},
    }
    api = APIClient()
    statuses = [
        api.post(f"{API}/auth/token/", {"username": dfe_official.username, "password": "guess"}).status_code
        for _ in range(3)
    ]
    assert statuses == [400, 400, 429]


def test_the_schema_is_openapi_3_and_names_every_error_shape():
    response = APIClient().get(f"{API}/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    components = schema["components"]["schemas"]
    assert {"Error", "TransitionError", "Enrolment", "EnrolmentStatus", "Tier", "Role"} <= set(components)
    accept = schema["paths"]["/api/v1/enrolments/{id}/accept/"]["post"]["responses"]
    assert (
        accept["409"]["content"]["application/json"]["schema"]["$ref"]
        == "#/components/schemas/TransitionError"
    )
    assert {"400", "401", "403", "404", "429"} <= set(accept)


def test_the_docs_page_uses_only_local_assets():
    response = Client().get(f"{API}/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    references = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert references, html
    assert all(reference.startswith("/static/") for reference in references), references
    assert not re.search(r"https?://", html), re.findall(r"https?://\S+", html)
    for reference in references:
        assert Client().get(reference).status_code == 200, reference


def test_a_method_the_endpoint_lacks_is_a_405_in_the_same_shape(dfe_api):
    response = dfe_api.put(f"{API}/enrolments/1/", {})
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"


def test_an_unexpected_failure_is_a_logged_500_in_the_same_shape(dfe_official, monkeypatch, caplog):
    from portal.api.auth import MeView

    def broken(self, request):
        raise RuntimeError("boom")

    monkeypatch.setattr(MeView, "get", broken)
    token, _ = Token.objects.get_or_create(user=dfe_official)
    api = APIClient(raise_request_exception=False)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.get(f"{API}/me/")
    assert response.status_code == 500
    assert error_of(response)["code"] == "server_error"
    assert "boom" not in response.content.decode()
    assert any(record.name == "portal.api" and record.exc_info for record in caplog.records)
