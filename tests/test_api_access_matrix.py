"""Endpoint x role: generated from the API router, so no endpoint escapes it (issue 5's acceptance).

For every resource registered in config/api_urls.py and every role (DfE official, delivery partner,
LA finance lead, steering group member):
- list: answers exactly the rows the access policy lets the role see, and `count` agrees;
- detail (and every read action on one record, such as a trajectory or a download): an in-scope
  row answers 200; an out-of-scope row answers 404 with the very body an absent one gets;
- every write route (create, update, delete, transitions, actions), with its own method: a role
  without the policy right is refused, 403 on a row it may see, 404 on one it may not, 403 on the
  collection; a role with the right is not refused.
Which role may do which write is SPEC §2 as written out in tests/api_matrix.py (MAY, and WRITES for
the permission each route needs), never read from the access policy under test. The rows and what
each role sees come from tests/api_matrix.py too, which must have a row for every registered resource;
the records and the four people are made per test by factories and services (a World), at FROZEN_AT.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import time_machine
from django.urls import reverse

from config.api_urls import router
from portal import access
from portal.models import User
from tests.api_client import api_client_for
from tests.api_matrix import (
    ALL,
    FROZEN_AT,
    MATRIX,
    NON_RESOURCE_URL_NAMES,
    NONE,
    ROLES,
    SOME,
    WRITES,
    World,
    make_world,
    may,
)

pytestmark = pytest.mark.django_db

SAFE = {"get", "head", "options"}


@dataclass(frozen=True)
class Case:
    basename: str
    kind: str  # list, detail or write
    action: str
    method: str
    url_name: str
    detail: bool
    role: str
    target: str = ""  # in, out or "" (collection)
    expect: int = 200

    @property
    def id(self) -> str:
        parts = [self.basename, self.action, self.role]
        if self.target:
            parts.append(f"{self.target}-scope")
        return "-".join(parts)


def _routes():
    """(basename, viewset, route, method, action) for every route the router makes."""
    for _prefix, viewset, basename in router.registry:
        for route in router.get_routes(viewset):
            for method, action in router.get_method_map(viewset, route.mapping).items():
                yield basename, viewset, route, method, action


def _cases() -> list[Case]:
    cases = []
    for basename, _viewset, route, method, action in _routes():
        row = MATRIX.get(basename)
        if row is None:
            continue  # reported by test_every_registered_resource_has_a_matrix_row
        url_name = route.name.format(basename=basename)
        common = {
            "basename": basename,
            "action": action,
            "method": method,
            "url_name": url_name,
            "detail": route.detail,
        }
        for role in ROLES:
            sees = row.sees[role]
            if method in SAFE and not route.detail:
                cases.append(Case(kind="list", role=role, **common))
            elif method in SAFE:
                if sees != NONE:
                    cases.append(Case(kind="detail", role=role, target="in", expect=200, **common))
                if sees != ALL:
                    cases.append(Case(kind="detail", role=role, target="out", expect=404, **common))
            else:
                allowed = may(role, WRITES.get((basename, action)))
                if not route.detail:
                    cases.append(Case(kind="write", role=role, expect=0 if allowed else 403, **common))
                    continue
                if sees != NONE:
                    cases.append(
                        Case(kind="write", role=role, target="in", expect=0 if allowed else 403, **common)
                    )
                if sees != ALL:
                    cases.append(Case(kind="write", role=role, target="out", expect=404, **common))
    return cases


CASES = _cases()


# --- Fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def world(db) -> World:
    """The four people and the records' authority, at a fixed moment (the records' dates are before it)."""
    with time_machine.travel(FROZEN_AT, tick=True):
        yield make_world()


def _viewset(basename):
    return next(viewset for _prefix, viewset, name in router.registry if name == basename)


def _scope(basename: str, user: User):
    """(model, the rows the user may see, every row)."""
    model = _viewset(basename).queryset.model
    everything = model._default_manager.all()
    return model, access.visible(user, everything), everything


def _lookup(basename: str):
    viewset = _viewset(basename)
    field = viewset.lookup_field
    return (
        (viewset.lookup_url_kwarg or field),
        ("id" if field == "pk" else field),
        ("pk" if field == "pk" else field),
    )


def _check_the_data_fits_the_row(basename: str, role: str, visible, everything) -> None:
    seen, total = visible.count(), everything.count()
    expected = MATRIX[basename].sees[role]
    actual = ALL if seen == total else NONE if seen == 0 else SOME
    assert total > 0, f"no {basename} rows at all: give its matrix row a `prepare`"
    assert actual == expected, f"{role} sees {seen} of {total} {basename} rows: the matrix says {expected}"


def _target(case: Case, user: User):
    model, visible, everything = _scope(case.basename, user)
    _check_the_data_fits_the_row(case.basename, case.role, visible, everything)
    write_target = MATRIX[case.basename].write_target
    if case.kind == "write" and case.target == "in" and write_target is not None:
        return write_target(user, case.action)
    rows = visible if case.target == "in" else everything.exclude(pk__in=visible.values("pk"))
    target = rows.order_by("pk").first()
    assert target is not None
    return target


# --- The tests ---------------------------------------------------------------------------------


def test_every_registered_resource_has_a_matrix_row():
    missing = [basename for _prefix, _viewset, basename in router.registry if basename not in MATRIX]
    assert not missing, f"add a row to tests/api_matrix.py for: {', '.join(missing)}"


def test_every_write_route_needs_the_permission_the_spec_gives_it():
    """Each write route declares (in `required_actions`) the permission WRITES names for it, and
    WRITES names no route the API does not have."""
    routes = {
        (basename, action): viewset
        for basename, viewset, _r, method, action in _routes()
        if method not in SAFE
    }
    unlisted = sorted(f"{basename}.{action}" for basename, action in routes.keys() - WRITES.keys())
    assert not unlisted, f"write routes missing from WRITES in tests/api_matrix.py: {unlisted}"
    gone = sorted(f"{basename}.{action}" for basename, action in WRITES.keys() - routes.keys())
    assert not gone, f"WRITES lists routes the API does not have: {gone}"
    wrong = {
        f"{basename}.{action}": (
            getattr(viewset, "required_actions", {}).get(action),
            WRITES[basename, action],
        )
        for (basename, action), viewset in routes.items()
        if getattr(viewset, "required_actions", {}).get(action) != WRITES[basename, action]
    }
    assert not wrong, f"route: (declared, written in WRITES): {wrong}"


def test_every_api_url_is_a_registered_resource_or_a_known_view():
    from config import api_urls as urls

    router_names = {pattern.name for pattern in router.urls}
    unknown = [
        pattern.name
        for pattern in urls.urlpatterns
        if pattern.name not in router_names and pattern.name not in NON_RESOURCE_URL_NAMES
    ]
    assert not unknown, f"API URLs outside the router and the matrix: {unknown}"


def test_the_matrix_covers_every_role_and_route():
    """The size of the generated matrix (reported in the test output and by the issue's acceptance)."""
    kinds = {kind: sum(1 for case in CASES if case.kind == kind) for kind in ("list", "detail", "write")}
    routes = {(b, a, m) for b, _v, _r, m, a in _routes()}
    print(f"\nAPI access matrix: {len(CASES)} cases over {len(routes)} routes x {len(ROLES)} roles: {kinds}")
    assert len({case.id for case in CASES}) == len(CASES)
    assert {case.role for case in CASES} == set(ROLES)
    covered = {(c.basename, c.action, c.method) for c in CASES}
    assert covered == routes


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_endpoint_by_role(case: Case, world: World):
    row = MATRIX[case.basename]
    if row.prepare:
        row.prepare(world)
    user = world.user(case.role)
    client = api_client_for(user)
    url_kwarg, key, attribute = _lookup(case.basename)

    if case.kind == "list":
        model, visible, everything = _scope(case.basename, user)
        _check_the_data_fits_the_row(case.basename, case.role, visible, everything)
        response = client.get(reverse(f"api:{case.url_name}"), {"page_size": 500})
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["count"] == visible.count()
        assert len(body["results"]) == min(body["count"], 500)
        allowed = {str(value) for value in visible.values_list(attribute, flat=True)}
        assert {str(item[key]) for item in body["results"]} <= allowed
        return

    if not case.detail:  # a write on the collection
        response = getattr(client, case.method)(reverse(f"api:{case.url_name}"), {}, format="json")
        _check_write(case, response)
        return

    target = _target(case, user)
    value = getattr(target, attribute)
    url = reverse(f"api:{case.url_name}", kwargs={url_kwarg: value})
    if case.kind == "detail":
        response = client.get(url)
        assert response.status_code == case.expect, getattr(response, "content", response)
        if case.expect == 200 and case.action == "retrieve":
            assert str(response.json()[key]) == str(value)
        elif case.expect != 200:
            _assert_same_as_absent(client, case, url_kwarg, response)
        return

    response = getattr(client, case.method)(url, {}, format="json")
    _check_write(case, response)
    if case.expect == 404:
        _assert_same_as_absent(client, case, url_kwarg, response, method=case.method)


def _check_write(case: Case, response) -> None:
    if case.expect == 0:  # the role has the right: whatever the answer, it is not a refusal
        assert response.status_code not in (401, 403, 404), response.content
        return
    assert response.status_code == case.expect, response.content
    code = {403: "permission_denied", 404: "not_found"}[case.expect]
    assert response.json()["error"]["code"] == code


def _assert_same_as_absent(client, case, url_kwarg, response, method="get") -> None:
    """An out-of-scope record answers exactly as one that does not exist."""
    # "099": no real authority's code, nor one LocalAuthorityFactory gives.
    absent = "099" if url_kwarg == "la_code" else "ZZZ" if url_kwarg == "code" else "987654321"
    absent_url = reverse(f"api:{case.url_name}", kwargs={url_kwarg: absent})
    absent_response = (
        client.get(absent_url) if method in SAFE else getattr(client, method)(absent_url, {}, format="json")
    )
    assert absent_response.status_code == 404
    assert response.json() == absent_response.json()


# Roles that see some but not all rows are the ones whose scope matters: make sure each has cases.
def test_every_partial_scope_is_tested_both_ways():
    for basename, row in MATRIX.items():
        for role, sees in row.sees.items():
            if sees == SOME:
                targets = {
                    c.target
                    for c in CASES
                    if c.basename == basename and c.role == role and c.kind == "detail"
                }
                assert targets == {"in", "out"}, (basename, role)
