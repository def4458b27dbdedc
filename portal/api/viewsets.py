"""The base of every API resource: rows from the access policy, writes through it and the services."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from portal import access

from .errors import NOT_FOUND_MESSAGE
from .permissions import PolicyPermission

_LARGEST_ID = 2**63 - 1


class ScopedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A read-only resource (list and detail) whose rows are those the user may see.

    Subclasses set `queryset` (the model's rows) and override `optimise()` to add the
    select_related/prefetch_related (scoped with `self.visible`) that keep the number of SQL
    queries the same however many rows a page holds. Writes are extra actions (or create) that
    declare their policy action in `required_actions` and call a service.
    """

    permission_classes = [IsAuthenticated, PolicyPermission]
    required_actions: dict[str, access.Permission] = {}
    # Lookup values are checked here (404 when malformed), so every value reaches the view.
    lookup_value_regex = r"[^/]+"
    http_method_names = ["get", "post", "head"]

    def visible(self, queryset: models.QuerySet) -> models.QuerySet:
        return access.visible(self.request.user, queryset)

    def optimise(self, queryset: models.QuerySet) -> models.QuerySet:
        return queryset

    def get_queryset(self) -> models.QuerySet:
        return self.optimise(self.visible(super().get_queryset()))

    def get_object(self):
        self._check_lookup_value()
        return super().get_object()

    def answer(self, record: models.Model, code: int = status.HTTP_200_OK) -> Response:
        """The record after a write, as the caller now sees it (re-read through the scoped rows)."""
        fresh = self.get_queryset().get(pk=record.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def _check_lookup_value(self) -> None:
        """A lookup value the field cannot hold answers 404, like any other absent record."""
        lookup_url_kwarg = self.lookup_url_kwarg or self.lookup_field
        value = self.kwargs.get(lookup_url_kwarg, "")
        model = self.queryset.model
        field = model._meta.pk if self.lookup_field == "pk" else model._meta.get_field(self.lookup_field)
        if "\x00" in value:
            raise NotFound(NOT_FOUND_MESSAGE)
        try:
            python_value = field.to_python(value)
        except (ValidationError, ValueError, TypeError) as malformed:
            raise NotFound(NOT_FOUND_MESSAGE) from malformed
        if isinstance(field, models.IntegerField) and not 0 < python_value <= _LARGEST_ID:
            raise NotFound(NOT_FOUND_MESSAGE)
        max_length = getattr(field, "max_length", None)
        if isinstance(python_value, str) and max_length and len(python_value) > max_length:
            raise NotFound(NOT_FOUND_MESSAGE)
