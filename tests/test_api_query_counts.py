"""Every API list and detail endpoint answers in a fixed number of SQL queries, however many rows.

Generated from the router, like the access matrix: each resource's list (and a detail) is measured
for every role, the data grown by the resource's `grow` (tests/api_matrix.py) between the two
measurements. Growth adds both rows and nested rows (transitions, partners, cohorts, placements).
The records and the four people are made per test by factories and services (a World, at FROZEN_AT).
"""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.api_urls import router
from portal import access
from tests.api_client import api_client_for
from tests.api_matrix import DFE, FROZEN_AT, MATRIX, ROLES, World, make_world

pytestmark = pytest.mark.django_db

GROWTH = 6

LISTS = [basename for _prefix, _viewset, basename in router.registry]


def _measure(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return len(queries), response


def _viewset(basename):
    return next(viewset for _prefix, viewset, name in router.registry if name == basename)


@pytest.fixture
def world(db) -> World:
    with time_machine.travel(FROZEN_AT, tick=True):
        yield make_world()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("basename", LISTS)
def test_a_list_answers_in_the_same_number_of_queries_at_two_sizes(basename, role, world):
    row = MATRIX[basename]
    if row.prepare:
        row.prepare(world)
    user = world.user(role)
    client = api_client_for(user)
    url = reverse(f"api:{basename}-list")
    model = _viewset(basename).queryset.model

    row.grow(world, 1)  # every kind of row present once, so the smaller size already uses every query
    before, small = _measure(client, url, {"page_size": 500})
    seen_before = access.visible(user, model._default_manager.all()).count()
    row.grow(world, GROWTH)
    after, large = _measure(client, url, {"page_size": 500})
    seen_after = access.visible(user, model._default_manager.all()).count()

    assert after == before, f"{basename} as {role}: {before} queries, then {after} with more rows"
    assert large.json()["count"] == seen_after
    if role == DFE:  # the growth reached the response (rows or nested rows)
        assert seen_after > seen_before or len(large.content) > len(small.content)


@pytest.mark.parametrize("basename", LISTS)
def test_a_detail_answers_in_the_same_number_of_queries_as_its_nested_rows_grow(basename, world):
    row = MATRIX[basename]
    if row.prepare:
        row.prepare(world)
    viewset = _viewset(basename)
    client = api_client_for(world.dfe)
    row.grow(world, 1)
    model = viewset.queryset.model
    target = _target_with_most_nested_rows(basename, model, world)
    field = viewset.lookup_field
    lookup = {(viewset.lookup_url_kwarg or field): getattr(target, "pk" if field == "pk" else field)}
    url = reverse(f"api:{basename}-detail", kwargs=lookup)

    before, small = _measure(client, url)
    row.grow(world, GROWTH)
    _grow_nested(basename, target, world)
    after, large = _measure(client, url)
    assert after == before, f"{basename} detail: {before} queries, then {after}"
    if basename in ("authority", "enrolment", "tiering-proposal", "programme", *NESTED_GROWTH):
        assert len(large.content) > len(small.content), "the growth did not reach the detail"


def _grow_nested(basename, target, world: World) -> None:
    """More nested rows under the very row measured, where the growth of the list adds none.

    Made directly: no service adds notes to an enrolment's log, cohorts to a programme, or a
    proposal's placements one by one, and the point is many nested rows under one record."""
    from datetime import timedelta

    from authorities.models import LocalAuthority
    from programmes.models import EnrolmentTransition, TieringPlacement

    if basename == "enrolment":
        actor = world.dfe
        for i in range(GROWTH):
            EnrolmentTransition.objects.create(
                enrolment=target,
                name="note",
                from_status=target.status,
                to_status=target.status,
                actor=actor,
                at=target.created_at + timedelta(seconds=i + 1),
            )
    if basename == "programme":
        from portal.financial_year import FinancialYear
        from programmes.models import Cohort

        for i in range(GROWTH):
            Cohort.objects.create(
                programme=target, name=f"Nested cohort {i}", financial_year=FinancialYear(2030)
            )
    if basename in NESTED_GROWTH:
        NESTED_GROWTH[basename](target, world)
    if basename == "tiering-proposal":
        used = target.placements.values("authority_id")
        for authority in LocalAuthority.objects.exclude(pk__in=used)[:GROWTH]:
            TieringPlacement.objects.create(proposal=target, authority=authority, tier="ESFA")


def _grow_agreement(agreement, world: World) -> None:
    """More conditions, targets, monitoring reports and instalments of one agreement."""
    from datetime import date, timedelta

    from portal.financial_year import FinancialYear
    from programmes.models import AgreementCondition, AgreementTarget, MonitoringReport, Payment

    last_year = agreement.targets.order_by("-financial_year").first().financial_year
    grant = agreement.contribution
    for i in range(1, GROWTH + 1):
        AgreementCondition.objects.create(agreement=agreement, number=100 + i, text=f"Nested condition {i}")
        AgreementTarget.objects.create(
            agreement=agreement,
            financial_year=FinancialYear(last_year.start_year + i),
            in_year_balance=0,
            cumulative_balance=0,
        )
        MonitoringReport.objects.create(agreement=agreement, due_on=date(2030, 1, 1) + timedelta(days=i))
        Payment.objects.create(
            grant=grant, number=100 + i, due_on=date(2030, 1, i), financial_year=FinancialYear(2029), amount=1
        )


def _grow_grant(grant, world: World) -> None:
    from datetime import date

    from portal.financial_year import FinancialYear
    from programmes.models import Payment

    for i in range(1, GROWTH + 1):
        Payment.objects.create(
            grant=grant, number=100 + i, due_on=date(2030, 1, i), financial_year=FinancialYear(2029), amount=1
        )


def _grow_meeting(meeting, world: World) -> None:
    from datetime import date

    from django.utils import timezone

    from steering.models import Action, Paper

    dfe = world.dfe
    for i in range(GROWTH):
        Paper.objects.create(
            meeting=meeting,
            title=f"Nested paper {i}",
            file="steering-papers/test/paper.pdf",
            uploaded_by=dfe,
            uploaded_at=timezone.now(),
        )
        Action.objects.create(
            group=meeting.group,
            meeting=meeting,
            description=f"Nested {i}",
            owner=dfe,
            due_on=date(2030, 1, 1),
        )


# Resources whose detail holds nested rows, and how to add more under the row measured.
NESTED_GROWTH = {"agreement": _grow_agreement, "grant": _grow_grant, "steering-meeting": _grow_meeting}


def _target_with_most_nested_rows(basename, model, world: World):
    """The row the growth adds nested rows to (our authority, its latest enrolment, ...), else the first."""
    from programmes.models import Enrolment, TieringProposal

    if basename == "authority":
        return world.authority
    if basename == "enrolment":
        return Enrolment.objects.filter(authority=world.authority).order_by("-pk").first()
    if basename == "tiering-proposal":
        return TieringProposal.objects.order_by("pk").first()
    return model._default_manager.order_by("pk").first()
