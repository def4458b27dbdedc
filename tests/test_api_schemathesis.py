"""Schemathesis against the live OpenAPI schema served by the portal (issue 5's acceptance).

The schema is loaded from /api/v1/schema/ through the portal's WSGI app, and every read operation,
plus the safe writes (running a tiering proposal, inviting an authority: rows the test's
transaction rolls back), is called with generated input, as a DfE official and as an LA finance
lead (Token header), a bounded number of examples per operation, in positive generation mode, and
in negative mode (malformed input) as the DfE official. Operations with a path parameter are also
called on a record the caller may see (every resource's matrix `prepare` has made one, in a World of
factory-made people and records, at FROZEN_AT), so successful responses are checked as well as 404s. Checks: no server error, and every
response (errors included) is one the schema documents, in its content type and body.

It uses schemathesis's Python API (APIOperation.as_strategy with Hypothesis) rather than its
pytest plugin, whose lazy-fixture mode needs pytest < 9.2 (it sets Node._nodeid).
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
import schemathesis
import time_machine
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.api_urls import router
from portal import access
from portal.access import Permission
from tests.api_matrix import FROZEN_AT, PREPARES, World, make_world

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 8
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Writes with lasting effects on the caller (revoking the token) or on whatever record an id finds
# (transitions, approval) are left to tests/test_api.py and the access matrix.
SAFE_WRITES = {("POST", "/api/v1/tiering-proposals/"), ("POST", "/api/v1/enrolments/")}
CALLERS = ["dfe_official", "la_finance_lead"]
# Reads that are not a router resource's and that the policy refuses some roles (403).
POLICY_OF_READ = {"/api/v1/dbv-progress/": Permission.VIEW_DBV_PROGRESS}


@pytest.fixture
def world(settings, tmp_path) -> World:
    """Every resource's rows (and stored files), so every read can answer 200 to someone."""
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(FROZEN_AT, tick=True):
        world = make_world()
        for prepare in PREPARES:
            prepare(world)
        yield world


@pytest.fixture
def wsgi_app_in_the_test_transaction():
    """The portal's WSGI app, kept from closing the test's database connection after each request.

    Django's test client does the same: the WSGI handler's request signals would close the
    connection, and with it (on PostgreSQL) the transaction the test's data lives in.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def live_schema(settings, wsgi_app_in_the_test_transaction):
    # The WSGI client calls the app as host "localhost"; throttling would cut the run short.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None, "token": None},
    }
    cache.clear()
    config = schemathesis.Config.from_dict({"generation": {"allow-x00": False}})
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", wsgi_app_in_the_test_transaction, config=config)


def _tested(operation) -> bool:
    method = operation.method.upper()
    return method == "GET" or (method, operation.path) in SAFE_WRITES


def _known_path_parameters(operation, user) -> dict | None:
    """A record of the operation's resource that `user` may see, as path parameters (or None)."""
    for prefix, viewset, _basename in router.registry:
        match = re.fullmatch(rf"/api/v1/{re.escape(prefix)}/\{{(\w+)\}}/(?:[\w-]+/)?", operation.path)
        if not match:
            continue
        field = viewset.lookup_field
        row = access.visible(user, viewset.queryset.model._default_manager.order_by("pk")).first()
        if row is None:
            return None
        return {match.group(1): getattr(row, "pk" if field == "pk" else field)}
    return None


def _has_something_to_answer(operation, user) -> bool:
    """Whether a 200 is possible for `user`: a record to address, and a read the policy allows."""
    if "{" in operation.path and _known_path_parameters(operation, user) is None:
        return False
    policy_action = POLICY_OF_READ.get(operation.path)
    return policy_action is None or access.can(user, policy_action)


def _run(operation, strategy, headers, failures, statuses) -> None:
    @given(case=strategy)
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        statuses.setdefault(operation.label, Counter())[response.status_code] += 1

    try:
        check()
    except Unsatisfiable:
        pass  # negative mode: nothing about this operation's input can be wrong (no parameters)
    except Exception as failure:  # noqa: BLE001 - collected, reported together below
        failures.append(f"{operation.label}: {failure}")


# Malformed input (negative mode) is refused the same way whoever sends it, and generating it costs
# about half a second per operation: it is sent as the DfE official only, who reaches every operation.
RUNS = [pytest.param(caller, GenerationMode.POSITIVE, id=f"{caller}-positive") for caller in CALLERS] + [
    pytest.param("dfe_official", GenerationMode.NEGATIVE, id="dfe_official-negative")
]


@pytest.mark.parametrize(("caller", "mode"), RUNS)
def test_the_api_keeps_to_its_schema(world, live_schema, caller, mode):
    user = world.user(caller)
    token, _ = Token.objects.get_or_create(user=user)
    headers = {"Authorization": f"Token {token.key}"}
    failures: list[str] = []
    statuses: dict[str, Counter] = {}
    operations = [result.ok() for result in live_schema.get_all_operations()]
    tested = [operation for operation in operations if _tested(operation)]
    assert len(tested) >= 15, [operation.label for operation in operations]
    for operation in tested:
        _run(operation, operation.as_strategy(generation_mode=mode), headers, failures, statuses)
        known = _known_path_parameters(operation, user)
        if known and mode == GenerationMode.POSITIVE:
            _run(
                operation,
                operation.as_strategy(generation_mode=mode, path_parameters=known),
                headers,
                failures,
                statuses,
            )
    assert not failures, "\n\n".join(failures)
    print(
        f"\nschemathesis, {caller}, {mode.value}: "
        + "; ".join(f"{op} {dict(c)}" for op, c in statuses.items())
    )
    if mode == GenerationMode.POSITIVE:
        # Every GET was answered successfully at least once, so success bodies were checked too,
        # save those the caller may not have: a record of a resource they see none of (proposals
        # and the steering group's work, for a finance lead), or a read the policy refuses them.
        unanswered = [
            op.label
            for op in tested
            if op.method.upper() == "GET"
            and not statuses.get(op.label, {}).get(200)
            and _has_something_to_answer(op, user)
        ]
        assert not unanswered, unanswered
