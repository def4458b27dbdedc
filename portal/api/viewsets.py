"""The base of every API resource: rows from the access policy, writes through it and the services."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import models
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from portal import access

from .errors import NOT_FOUND_MESSAGE
from .permissions import PolicyPermission

_LARGEST_ID = 2**63 - 1


class ScopedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A read-only resource (list and detail) whose rows are those the user may see.

    Rows come from the app's selectors, the one read path pages use too: `list_selector(user=...)`
    for the list and `detail_selector(user=...)` (default: the list's) for one record, its writes
    and its extra actions. A selector answers a queryset already scoped by `portal.access.visible`
    and already prefetched, so the number of SQL queries stays the same however many rows a page
    holds. `queryset` only names the model (for the router, the schema and lookup checks).

    Writes are extra actions (or create) that declare their policy action in `required_actions`
    and call a service, most through `write` (validate the input, call the service, answer the
    record as the caller now sees it).
    """

    permission_classes = [IsAuthenticated, PolicyPermission]
    required_actions: dict[str, access.Permission] = {}
    # Lookup values are checked here (404 when malformed), so every value reaches the view.
    lookup_value_regex = r"[^/]+"
    http_method_names = ["get", "post", "head"]
    list_selector: Callable[..., models.QuerySet]
    detail_selector: Callable[..., models.QuerySet] | None = None

    def get_queryset(self) -> models.QuerySet:
        # Read from the class: a plain function stored on a class is not bound to the instance.
        viewset = type(self)
        selector = viewset.list_selector if self.action == "list" else viewset.detail_selector
        return (selector or viewset.list_selector)(user=self.request.user)

    def get_object(self):
        self._check_lookup_value()
        return super().get_object()

    def validated(self, input_serializer: type[serializers.Serializer], **options) -> dict:
        """The request body checked by `input_serializer` (a 400 naming the fields at fault otherwise)."""
        serializer = input_serializer(
            data=self.request.data, context=self.get_serializer_context(), **options
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def write(
        self,
        input_serializer: type[serializers.Serializer],
        service: Callable[..., models.Model],
        code: int = status.HTTP_200_OK,
        *,
        partial: bool = False,
        **arguments,
    ) -> Response:
        """Validate the body, call `service(actor=user, **arguments, **body)`, answer the record it returns.

        `arguments` are what the body does not give, like the record acted on (`self.get_object()`,
        fetched first: out of scope is a 404 and a refusal a 403 before the body is read).
        """
        record = service(
            actor=self.request.user, **arguments, **self.validated(input_serializer, partial=partial)
        )
        return self.answer(record, code)

    def answer(self, record: models.Model, code: int = status.HTTP_200_OK) -> Response:
        """The record after a write, as the caller now sees it (re-read through the scoped rows)."""
        return Response(self.get_serializer(self.fresh(record)).data, status=code)

    def fresh(self, record: models.Model) -> models.Model:
        """`record` re-read through the scoped, prefetched rows of one record."""
        return self.get_queryset().get(pk=record.pk)

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
