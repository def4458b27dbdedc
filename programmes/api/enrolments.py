"""`enrolments`: an authority in a programme cohort, invited and moved only through the enrolment service.

POST /enrolments/ invites; POST /enrolments/{id}/{transition}/ moves one (accept, decline, activate,
complete, withdraw); POST /enrolments/{id}/replace/ closes a declined or withdrawn one and invites
another authority into its place. A transition refused from the current state answers 409 with the
allowed ones.
"""

from __future__ import annotations

from django.db.models import Q
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from authorities.api_fields import AuthorityByLaCode
from portal.access import Permission
from portal.api.fields import (
    FinancialYearFilter,
    LaCodeField,
    ScopedPrimaryKeyRelatedField,
    WholeNumberFilter,
)
from portal.api.schema import operation, resource_schema
from portal.api.viewsets import ScopedViewSet
from portal.roles import DeliveryPartner

from ..models import Cohort, Enrolment, EnrolmentStatus, EnrolmentTransition, ProgrammeCode
from ..selectors.enrolment import enrolment_list
from ..services.enrolment import (
    TRANSITIONS,
    allowed_transitions,
    enrolment_invite,
    enrolment_replace,
    enrolment_transition,
)

# The transitions with their own action; `replace` has its own (it names the new authority).
SIMPLE_TRANSITIONS = [name for name in TRANSITIONS if name != "replace"]
TRANSITION_NAMES = list(TRANSITIONS)


class EnrolmentTransitionSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(
        source="actor.username", read_only=True, help_text="Who made the transition."
    )
    from_status = serializers.ChoiceField(
        choices=EnrolmentStatus.choices,
        allow_blank=True,
        read_only=True,
        help_text="Blank for the invitation.",
    )

    class Meta:
        model = EnrolmentTransition
        fields = ["name", "from_status", "to_status", "actor", "at", "reason"]
        read_only_fields = fields


class EnrolmentSerializer(serializers.ModelSerializer):
    authority = LaCodeField()
    authority_name = serializers.CharField(source="authority.name", read_only=True)
    programme = serializers.ChoiceField(
        source="cohort.programme.code", choices=ProgrammeCode.choices, read_only=True
    )
    cohort = serializers.IntegerField(source="cohort_id", read_only=True)
    cohort_name = serializers.CharField(source="cohort.name", read_only=True)
    tranche = serializers.IntegerField(
        source="cohort.tranche",
        read_only=True,
        allow_null=True,
        help_text="DBV tranche (1-3); null otherwise.",
    )
    replaces = serializers.IntegerField(
        source="visible_replaces_id",
        read_only=True,
        allow_null=True,
        help_text="The declined or withdrawn enrolment this one replaced (null if none, or not yours to see).",
    )
    replaced_by = serializers.IntegerField(
        source="visible_replaced_by_id",
        read_only=True,
        allow_null=True,
        help_text="The enrolment that took this one's place (null if none, or not yours to see).",
    )
    partners = serializers.SerializerMethodField(help_text="Delivery partners working with this enrolment.")
    allowed_transitions = serializers.SerializerMethodField(
        help_text="Transitions the current status allows (performing them needs the right role)."
    )
    transitions = EnrolmentTransitionSerializer(many=True, read_only=True)

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "authority",
            "authority_name",
            "programme",
            "cohort",
            "cohort_name",
            "tranche",
            "status",
            "replaces",
            "replaced_by",
            "partners",
            "allowed_transitions",
            "transitions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=DeliveryPartner.choices))
    )
    def get_partners(self, enrolment) -> list[str]:
        return [assignment.organisation for assignment in enrolment.partner_assignments.all()]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=TRANSITION_NAMES)))
    def get_allowed_transitions(self, enrolment) -> list[str]:
        return allowed_transitions(enrolment)


class InviteSerializer(serializers.Serializer):
    authority = AuthorityByLaCode(help_text="LA code of the authority to invite.")
    cohort = ScopedPrimaryKeyRelatedField(queryset=Cohort.objects.all(), help_text="Id of the cohort.")
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    partners = serializers.ListField(
        child=serializers.ChoiceField(choices=DeliveryPartner.choices),
        required=False,
        default=list,
        max_length=len(DeliveryPartner.choices),
        help_text="Delivery partners to work with the enrolment (DBV: newton and cipfa).",
    )


class TransitionSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text="Why: needed to decline or withdraw.",
    )


class ReplaceSerializer(serializers.Serializer):
    authority = AuthorityByLaCode(help_text="LA code of the authority to invite into the place.")
    reason = serializers.CharField(max_length=2000, allow_blank=True, help_text="Why (needed).")


def _region(queryset, name, value):
    return queryset.filter(
        Q(authority__region__gss_code__iexact=value) | Q(authority__region__name__iexact=value)
    )


class EnrolmentFilter(filters.FilterSet):
    authority = filters.CharFilter(field_name="authority__la_code", help_text="LA code.")
    programme = filters.ChoiceFilter(field_name="cohort__programme__code", choices=ProgrammeCode.choices)
    cohort = WholeNumberFilter(field_name="cohort_id", help_text="Cohort id.")
    tranche = WholeNumberFilter(field_name="cohort__tranche", help_text="DBV tranche: 1, 2 or 3.")
    status = filters.ChoiceFilter(choices=EnrolmentStatus.choices)
    region = filters.CharFilter(method=_region, help_text="Region of the authority: GSS code or name.")
    financial_year = FinancialYearFilter(field_name="cohort__financial_year", help_text="The cohort's year.")

    class Meta:
        model = Enrolment
        fields = ["authority", "programme", "cohort", "tranche", "status", "region", "financial_year"]


def _transition_action(name: str):
    """POST /enrolments/{id}/<name>/: one action per transition, so each is its own route."""

    def transition(self, request, pk=None):
        return self._transition(request, name)

    transition.__name__ = name
    transition.__doc__ = f"“{name}” the enrolment (see allowed_transitions)."
    transition = extend_schema(
        tags=["enrolments"],
        **operation(
            f"Transition: {name}", TransitionSerializer, EnrolmentSerializer, id=f"enrolments_{name}"
        ),
    )(transition)
    return action(detail=True, methods=["post"], url_path=name)(transition)


@resource_schema(
    "enrolments",
    list="List enrolments",
    retrieve="One enrolment, with its transitions",
    create=operation("Invite an authority into a cohort", InviteSerializer, EnrolmentSerializer, 201),
    replace=operation(
        "Replace a declined or withdrawn enrolment",
        ReplaceSerializer,
        EnrolmentSerializer,
        201,
        id="enrolments_replace",
        description="Closes this enrolment as replaced and invites `authority` into its cohort: "
        "answers the new enrolment.",
    ),
)
class EnrolmentViewSet(ScopedViewSet):
    """Enrolments of authorities in programme cohorts."""

    queryset = Enrolment.objects.all()
    serializer_class = EnrolmentSerializer
    filterset_class = EnrolmentFilter
    ordering_fields = [
        "created_at",
        "updated_at",
        "status",
        "authority__la_code",
        "authority__name",
        "cohort__tranche",
    ]
    ordering = ["cohort__programme__code", "cohort__tranche", "authority__name", "pk"]
    required_actions = {name: Permission.MANAGE_ENROLMENT for name in ["create", *TRANSITION_NAMES]}
    transition_actions = frozenset(TRANSITION_NAMES)
    list_selector = enrolment_list

    def create(self, request):
        data = self.validated(InviteSerializer)
        enrolment = enrolment_invite(
            actor=request.user,
            authority=data["authority"],
            cohort=data["cohort"],
            reason=data["reason"],
            partners=list(dict.fromkeys(data["partners"])),
        )
        return self.answer(enrolment, status.HTTP_201_CREATED)

    def _transition(self, request, name: str) -> Response:
        return self.write(
            TransitionSerializer, enrolment_transition, enrolment=self.get_object(), transition=name
        )

    accept = _transition_action("accept")
    decline = _transition_action("decline")
    activate = _transition_action("activate")
    complete = _transition_action("complete")
    withdraw = _transition_action("withdraw")

    @action(detail=True, methods=["post"])
    def replace(self, request, pk=None):
        return self.write(
            ReplaceSerializer, enrolment_replace, status.HTTP_201_CREATED, enrolment=self.get_object()
        )
