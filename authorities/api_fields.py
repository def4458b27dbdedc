"""The API input for an authority: its LA code, within the caller's scope."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.api.fields import LA_CODE_SCHEMA, ScopedRelatedMixin

from .models import LocalAuthority


@extend_schema_field(LA_CODE_SCHEMA)
class AuthorityByLaCode(ScopedRelatedMixin, serializers.SlugRelatedField):
    """An authority given by its LA code, within the user's scope."""

    default_error_messages = {
        "does_not_exist": "No authority has LA code “{value}”.",
        "invalid": "Give the authority's three-digit LA code, like 202.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", LocalAuthority.objects.all())
        super().__init__(slug_field="la_code", **kwargs)
