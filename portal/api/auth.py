"""Tokens: obtain one with a username and password, revoke your own; and `me`, who the caller is."""

from __future__ import annotations

from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.roles import DeliveryPartner, Role

from .fields import LA_CODE_SCHEMA
from .throttling import AnonThrottle, TokenObtainThrottle, UserThrottle


class TokenObtainSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})

    def validate(self, attrs):
        user = authenticate(self.context["request"], username=attrs["username"], password=attrs["password"])
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                "Unable to sign in with that username and password.", code="authorization"
            )
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")


class TokenView(APIView):
    """POST: obtain your API token (the same one until you revoke it). DELETE: revoke it."""

    throttle_classes = [AnonThrottle, UserThrottle, TokenObtainThrottle]

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_throttles(self):
        if self.request.method == "POST":
            return super().get_throttles()
        return [AnonThrottle(), UserThrottle()]

    @extend_schema(
        operation_id="auth_token_obtain",
        tags=["auth"],
        summary="Obtain an API token",
        request=TokenObtainSerializer,
        responses={200: TokenSerializer},
        auth=[],
    )
    def post(self, request):
        serializer = TokenObtainSerializer(data=request.data, context={"request": request._request})
        serializer.is_valid(raise_exception=True)
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})

    @extend_schema(
        operation_id="auth_token_revoke",
        tags=["auth"],
        summary="Revoke your API token",
        description="Deletes the caller's token: requests sending it answer 401 from then on. "
        "Obtain a new one with POST.",
        request=None,
        responses={204: OpenApiResponse(description="Revoked (or there was none).")},
    )
    def delete(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField(source="display_name")
    role = serializers.ChoiceField(choices=Role.choices)
    organisation = serializers.ChoiceField(
        choices=DeliveryPartner.choices,
        allow_null=True,
        help_text="Delivery partners only: the organisation they work for.",
    )
    authority = serializers.SerializerMethodField(
        help_text="LA finance leads only: their authority's LA code."
    )
    authority_name = serializers.SerializerMethodField()

    @extend_schema_field({**LA_CODE_SCHEMA, "nullable": True})
    def get_authority(self, user) -> str | None:
        return user.authority.la_code if user.authority_id else None

    def get_authority_name(self, user) -> str | None:
        return user.authority.name if user.authority_id else None

    def to_representation(self, user):
        data = super().to_representation(user)
        data["organisation"] = user.organisation or None
        return data


class MeView(APIView):
    """Who the caller is: their role and scope."""

    @extend_schema(operation_id="me", tags=["me"], summary="Who am I", responses={200: MeSerializer})
    def get(self, request):
        return Response(MeSerializer(request.user).data)
