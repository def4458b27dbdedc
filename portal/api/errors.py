"""One JSON error shape for every API error (SPEC §5).

    {"error": {"code": "...", "message": "...", "fields": {"field": ["..."]}}}

and, for a state transition refused from the current state (409), also
`"allowed_transitions": [...]`. Domain errors (portal.errors) answer 400 with the field at fault;
an out-of-scope record is a 404 with the same body as one that does not exist; a refused action on
a visible record is a 403; unexpected failures are a 500 in the same shape (and logged).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import got_request_exception
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from portal.errors import DomainError, TransitionNotAllowed

logger = logging.getLogger("portal.api")

NOT_FOUND_MESSAGE = "Not found."
SERVER_ERROR_MESSAGE = "Something went wrong on our side. The error has been logged."


def error_body(code: str, message: str, fields: dict | None = None, **extra) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}, **extra}}


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field": [...], "nested.field": [...], "items.0.field": [...]}."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            for name, messages in _flatten(value, f"{prefix}.{key}" if prefix else str(key)).items():
                flat.setdefault(name, []).extend(messages)
        return flat
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return {prefix: [str(item) for item in detail]} if detail else {}
        flat = {}
        for index, item in enumerate(detail):
            if not item:
                continue
            inner = item if isinstance(item, (dict, list)) else [item]
            key = f"{prefix}.{index}" if isinstance(item, (dict, list)) else prefix
            for name, messages in _flatten(inner, key).items():
                flat.setdefault(name, []).extend(messages)
        return flat
    return {prefix: [str(detail)]}


def _validation_body(detail) -> dict:
    fields = _flatten(detail if isinstance(detail, (dict, list)) else [detail])
    general = fields.pop(api_settings.NON_FIELD_ERRORS_KEY, []) + fields.pop("", [])
    if general:
        message = " ".join(general)
    elif fields:
        first = next(iter(fields.values()))[0]
        message = first if len(fields) == 1 else f"{first} (and {len(fields) - 1} more: see fields)"
    else:
        message = "The request is not valid."
    return error_body("invalid", message, fields)


def _log_refusal(exc, context) -> None:
    request = context.get("request")
    user = getattr(request, "user", None)
    logger.warning(
        "API permission refused: %s %s for %s: %s",
        getattr(request, "method", "?"),
        getattr(request, "path", "?"),
        getattr(user, "username", None) or "anonymous",
        exc.detail,
    )


def exception_handler(exc, context):
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: every error answered in one shape."""
    if isinstance(exc, TransitionNotAllowed):
        set_rollback()
        return Response(
            error_body("transition_not_allowed", exc.message, allowed_transitions=list(exc.allowed)),
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DomainError):
        set_rollback()
        fields = {exc.field: [exc.message]} if exc.field else {}
        return Response(error_body("invalid", exc.message, fields), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        # Out of scope and absent look the same: the message never names the record.
        exc = exceptions.NotFound(NOT_FOUND_MESSAGE)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(serializers.as_serializer_error(exc))

    response = drf_exception_handler(exc, context)
    if response is None:
        return _server_error(exc, context)
    if isinstance(exc, exceptions.ValidationError):
        response.data = _validation_body(exc.detail)
        return response
    if isinstance(exc, exceptions.PermissionDenied):
        _log_refusal(exc, context)
    code = exc.default_code if isinstance(exc, exceptions.APIException) else "error"
    message = str(exc.detail) if not isinstance(exc.detail, (dict, list)) else str(exc.default_detail)
    response.data = error_body(code, message)
    return response


def _server_error(exc, context):
    """An unexpected failure: logged with its traceback, answered as JSON (in DEBUG, Django's page)."""
    request = context.get("request")
    if settings.DEBUG:
        return None
    logger.error(
        "API request failed: %s %s",
        getattr(request, "method", "?"),
        getattr(request, "path", "?"),
        exc_info=exc,
    )
    # Let error reporting (and the test client) see the exception as Django would.
    got_request_exception.send(sender=None, request=getattr(request, "_request", request))
    set_rollback()
    return Response(
        error_body("server_error", SERVER_ERROR_MESSAGE), status=status.HTTP_500_INTERNAL_SERVER_ERROR
    )


# --- The shape, for the OpenAPI schema ---------------------------------------------------------


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="A stable, machine-readable code, such as invalid or not_found.")
    message = serializers.CharField(help_text="What went wrong, in words a person can act on.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Errors by input field (nested fields as a.b, list items as a.0.b); empty when none.",
    )
    allowed_transitions = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Only on 409: the transitions allowed from the record's current state.",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


class TransitionErrorDetailSerializer(ErrorDetailSerializer):
    allowed_transitions = serializers.ListField(
        child=serializers.CharField(), help_text="The transitions allowed from the record's current state."
    )


class TransitionErrorSerializer(serializers.Serializer):
    error = TransitionErrorDetailSerializer()
