"""`diagnostics`, `diagnostic-stages`, `engagements` and `training-sessions`: DBV Diagnostics (SPEC §4.4).

Each DBV enrolment has one Diagnostic with its 12 stages. Progress is logged through the Diagnostic
service only: PATCH /diagnostic-stages/{id}/ logs a stage (status, dates, notes: what is left out
keeps its value, null clears a date); POST /diagnostics/{id}/plan/ sets the planned completion;
POST /engagements/ and /training-sessions/ record stakeholder engagements and training feedback.
"""

from __future__ import annotations

from django_filters import rest_framework as filters
from rest_framework import serializers, status
from rest_framework.decorators import action

from portal.access import Permission
from portal.api.fields import LaCodeField, ScopedPrimaryKeyRelatedField, WholeNumberFilter
from portal.api.schema import operation, resource_schema
from portal.api.viewsets import ScopedViewSet

from ..models import (
    Diagnostic,
    DiagnosticStage,
    EngagementKind,
    EnrolmentStatus,
    StageStatus,
    StakeholderEngagement,
    TrainingSession,
)
from ..selectors.diagnostic import (
    diagnostic_list,
    diagnostic_stage_list,
    engagement_list,
    training_session_list,
)
from ..services.diagnostic import (
    NOT_GIVEN,
    diagnostic_plan,
    diagnostic_stage_update,
    engagement_log,
    training_session_log,
)

DIAGNOSTIC_AUTHORITY = "diagnostic__enrolment__authority"


# --- Diagnostics -------------------------------------------------------------------------------


class StageSerializer(serializers.ModelSerializer):
    """One of a Diagnostic's 12 stages, as logged."""

    number = serializers.IntegerField(source="definition.number", read_only=True, help_text="1 to 12.")
    name = serializers.CharField(source="definition.name", read_only=True)
    logged_by = serializers.CharField(
        source="logged_by.username",
        read_only=True,
        allow_null=True,
        help_text="Who last logged the stage (null if nobody has).",
    )

    class Meta:
        model = DiagnosticStage
        fields = [
            "id",
            "number",
            "name",
            "status",
            "planned_date",
            "actual_date",
            "notes",
            "logged_by",
            "logged_at",
        ]
        read_only_fields = fields


class DiagnosticSerializer(serializers.ModelSerializer):
    authority = LaCodeField(source="enrolment.authority.la_code")
    authority_name = serializers.CharField(source="enrolment.authority.name", read_only=True)
    enrolment = serializers.IntegerField(source="enrolment_id", read_only=True)
    enrolment_status = serializers.ChoiceField(
        source="enrolment.status", choices=EnrolmentStatus.choices, read_only=True
    )
    cohort = serializers.IntegerField(source="enrolment.cohort_id", read_only=True)
    tranche = serializers.IntegerField(
        source="enrolment.cohort.tranche",
        read_only=True,
        allow_null=True,
        help_text="DBV tranche: 1, 2 or 3.",
    )
    closed = serializers.SerializerMethodField(
        help_text="True once the enrolment was declined or withdrawn: the Diagnostic no longer changes."
    )
    planned_after_due = serializers.SerializerMethodField(
        help_text="Open, and planned to be complete after the date the programme set for every Diagnostic."
    )
    stages = StageSerializer(many=True, read_only=True)

    class Meta:
        model = Diagnostic
        fields = [
            "id",
            "authority",
            "authority_name",
            "enrolment",
            "enrolment_status",
            "cohort",
            "tranche",
            "closed",
            "closed_at",
            "closed_reason",
            "planned_completion",
            "planned_after_due",
            "stages",
        ]
        read_only_fields = fields

    def get_closed(self, diagnostic) -> bool:
        return not diagnostic.is_open

    def get_planned_after_due(self, diagnostic) -> bool:
        return diagnostic.planned_after_due


class PlanSerializer(serializers.Serializer):
    planned_completion = serializers.DateField(
        allow_null=True, help_text="When the Diagnostic is planned to be complete; null clears it."
    )


class DiagnosticFilter(filters.FilterSet):
    authority = filters.CharFilter(field_name="enrolment__authority__la_code", help_text="LA code.")
    tranche = WholeNumberFilter(field_name="enrolment__cohort__tranche", help_text="DBV tranche: 1, 2 or 3.")
    closed = filters.BooleanFilter(field_name="closed_at", lookup_expr="isnull", exclude=True)
    planned_after_due = filters.BooleanFilter(
        method="filter_planned_after_due",
        help_text="true: open and planned to finish after the programme's date; false: the others.",
    )

    class Meta:
        model = Diagnostic
        fields = ["authority", "tranche", "closed", "planned_after_due"]

    def filter_planned_after_due(self, queryset, name, value):
        return queryset.planned_late(value)


@resource_schema(
    "diagnostics",
    list="List Diagnostics",
    retrieve="One Diagnostic, with its 12 stages",
    plan=operation("Set the planned completion", PlanSerializer, DiagnosticSerializer, id="diagnostics_plan"),
)
class DiagnosticViewSet(ScopedViewSet):
    """DBV Diagnostics, one per DBV enrolment, with their stages in order."""

    queryset = Diagnostic.objects.all()
    serializer_class = DiagnosticSerializer
    filterset_class = DiagnosticFilter
    ordering_fields = [
        "enrolment__cohort__tranche",
        "enrolment__authority__name",
        "enrolment__authority__la_code",
        "planned_completion",
    ]
    ordering = ["enrolment__cohort__tranche", "enrolment__authority__name", "pk"]
    required_actions = {"plan": Permission.LOG_DIAGNOSTIC_PROGRESS}
    list_selector = diagnostic_list

    @action(detail=True, methods=["post"])
    def plan(self, request, pk=None):
        return self.write(PlanSerializer, diagnostic_plan, diagnostic=self.get_object())


# --- Stages ------------------------------------------------------------------------------------


class DiagnosticStageSerializer(StageSerializer):
    diagnostic = serializers.IntegerField(source="diagnostic_id", read_only=True)
    authority = LaCodeField(source="diagnostic.enrolment.authority.la_code")
    authority_name = serializers.CharField(source="diagnostic.enrolment.authority.name", read_only=True)
    tranche = serializers.IntegerField(
        source="diagnostic.enrolment.cohort.tranche", read_only=True, allow_null=True
    )

    class Meta(StageSerializer.Meta):
        fields = [
            "id",
            "diagnostic",
            "authority",
            "authority_name",
            "tranche",
            *StageSerializer.Meta.fields[1:],
        ]
        read_only_fields = fields


class StageUpdateSerializer(serializers.Serializer):
    """What to log: only the fields given change."""

    status = serializers.ChoiceField(choices=StageStatus.choices, required=False)
    planned_date = serializers.DateField(required=False, allow_null=True, help_text="null clears it.")
    actual_date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="When the stage was completed (needed for complete; not in the future). null clears it.",
    )
    notes = serializers.CharField(required=False, allow_blank=True, max_length=10_000)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError(
                "Give what to log: one or more of status, planned_date, actual_date and notes."
            )
        return attrs


class DiagnosticStageFilter(filters.FilterSet):
    diagnostic = WholeNumberFilter(field_name="diagnostic_id", help_text="Diagnostic id.")
    authority = filters.CharFilter(field_name=f"{DIAGNOSTIC_AUTHORITY}__la_code", help_text="LA code.")
    tranche = WholeNumberFilter(field_name="diagnostic__enrolment__cohort__tranche")
    number = WholeNumberFilter(field_name="definition__number", help_text="Stage number, 1 to 12.")
    status = filters.ChoiceFilter(choices=StageStatus.choices)

    class Meta:
        model = DiagnosticStage
        fields = ["diagnostic", "authority", "tranche", "number", "status"]


@resource_schema(
    "diagnostics",
    list="List Diagnostic stages",
    retrieve="One Diagnostic stage",
    partial_update=operation(
        "Log a stage's progress",
        StageUpdateSerializer,
        DiagnosticStageSerializer,
        description="Sets what is given of status, planned_date, actual_date and notes; the rest keep "
        "their value (null clears a date). A complete stage needs its actual date, which cannot be in the "
        "future; a closed Diagnostic cannot change. The stage's deadline follows its planned date.",
    ),
)
class DiagnosticStageViewSet(ScopedViewSet):
    """The stages of the Diagnostics: filter by `diagnostic` and `number` to find one."""

    queryset = DiagnosticStage.objects.all()
    serializer_class = DiagnosticStageSerializer
    filterset_class = DiagnosticStageFilter
    http_method_names = ["get", "patch", "head"]
    ordering_fields = ["definition__number", "planned_date", "actual_date", "logged_at", "status"]
    ordering = [
        "diagnostic__enrolment__cohort__tranche",
        f"{DIAGNOSTIC_AUTHORITY}__name",
        "diagnostic_id",
        "definition__number",
    ]
    required_actions = {"partial_update": Permission.LOG_DIAGNOSTIC_PROGRESS}
    list_selector = diagnostic_stage_list

    def partial_update(self, request, pk=None):
        stage = self.get_object()
        data = self.validated(StageUpdateSerializer)
        stage = diagnostic_stage_update(
            actor=request.user,
            stage=stage,
            status=data.get("status"),
            planned_date=data.get("planned_date", NOT_GIVEN),
            actual_date=data.get("actual_date", NOT_GIVEN),
            notes=data.get("notes", NOT_GIVEN),
        )
        return self.answer(stage)


# --- Stakeholder engagements -------------------------------------------------------------------


class EngagementSerializer(serializers.ModelSerializer):
    diagnostic = serializers.IntegerField(source="diagnostic_id", read_only=True)
    authority = LaCodeField(source="diagnostic.enrolment.authority.la_code")
    authority_name = serializers.CharField(source="diagnostic.enrolment.authority.name", read_only=True)
    logged_by = serializers.CharField(source="logged_by.username", read_only=True)

    class Meta:
        model = StakeholderEngagement
        fields = [
            "id",
            "diagnostic",
            "authority",
            "authority_name",
            "kind",
            "held_on",
            "notes",
            "logged_by",
            "is_demo",
        ]
        read_only_fields = fields


class EngagementCreateSerializer(serializers.Serializer):
    diagnostic = ScopedPrimaryKeyRelatedField(queryset=Diagnostic.objects.all(), help_text="Diagnostic id.")
    kind = serializers.ChoiceField(choices=EngagementKind.choices)
    held_on = serializers.DateField(help_text="Not in the future.")
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=10_000)


class EngagementFilter(filters.FilterSet):
    diagnostic = WholeNumberFilter(field_name="diagnostic_id", help_text="Diagnostic id.")
    authority = filters.CharFilter(field_name=f"{DIAGNOSTIC_AUTHORITY}__la_code", help_text="LA code.")
    kind = filters.ChoiceFilter(choices=EngagementKind.choices)

    class Meta:
        model = StakeholderEngagement
        fields = ["diagnostic", "authority", "kind"]


@resource_schema(
    "diagnostics",
    list="List stakeholder engagements",
    retrieve="One stakeholder engagement",
    create=operation(
        "Record a stakeholder engagement", EngagementCreateSerializer, EngagementSerializer, 201
    ),
)
class EngagementViewSet(ScopedViewSet):
    """Stakeholder engagements of the Diagnostics: schools forum, parent carer forum, health and education partners."""

    queryset = StakeholderEngagement.objects.all()
    serializer_class = EngagementSerializer
    filterset_class = EngagementFilter
    ordering_fields = ["held_on", "kind"]
    ordering = ["-held_on", "-pk"]
    required_actions = {"create": Permission.LOG_DIAGNOSTIC_PROGRESS}
    list_selector = engagement_list

    def create(self, request):
        return self.write(EngagementCreateSerializer, engagement_log, status.HTTP_201_CREATED)


# --- Training sessions -------------------------------------------------------------------------

RATING_HELP = "How many delegates rated the session {}."
MODULE_CHOICES = TrainingSession._meta.get_field("module").choices


class TrainingSessionSerializer(serializers.ModelSerializer):
    diagnostic = serializers.IntegerField(source="diagnostic_id", read_only=True)
    authority = LaCodeField(source="diagnostic.enrolment.authority.la_code")
    authority_name = serializers.CharField(source="diagnostic.enrolment.authority.name", read_only=True)
    responses = serializers.IntegerField(read_only=True, help_text="Delegates who gave a rating.")
    logged_by = serializers.CharField(source="logged_by.username", read_only=True)

    class Meta:
        model = TrainingSession
        fields = [
            "id",
            "diagnostic",
            "authority",
            "authority_name",
            "module",
            "held_on",
            "exceptional",
            "very_good",
            "good",
            "fair",
            "poor",
            "responses",
            "logged_by",
            "is_demo",
        ]
        read_only_fields = fields


class TrainingSessionCreateSerializer(serializers.Serializer):
    diagnostic = ScopedPrimaryKeyRelatedField(queryset=Diagnostic.objects.all(), help_text="Diagnostic id.")
    module = serializers.ChoiceField(choices=MODULE_CHOICES, help_text="Training module 1, 2 or 3.")
    held_on = serializers.DateField(help_text="Not in the future.")
    exceptional = serializers.IntegerField(
        min_value=0, max_value=100_000, default=0, help_text=RATING_HELP.format("exceptional")
    )
    very_good = serializers.IntegerField(
        min_value=0, max_value=100_000, default=0, help_text=RATING_HELP.format("very good")
    )
    good = serializers.IntegerField(
        min_value=0, max_value=100_000, default=0, help_text=RATING_HELP.format("good")
    )
    fair = serializers.IntegerField(
        min_value=0, max_value=100_000, default=0, help_text=RATING_HELP.format("fair")
    )
    poor = serializers.IntegerField(
        min_value=0, max_value=100_000, default=0, help_text=RATING_HELP.format("poor")
    )


class TrainingSessionFilter(filters.FilterSet):
    diagnostic = WholeNumberFilter(field_name="diagnostic_id", help_text="Diagnostic id.")
    authority = filters.CharFilter(field_name=f"{DIAGNOSTIC_AUTHORITY}__la_code", help_text="LA code.")
    module = filters.ChoiceFilter(choices=MODULE_CHOICES)

    class Meta:
        model = TrainingSession
        fields = ["diagnostic", "authority", "module"]


@resource_schema(
    "diagnostics",
    list="List training sessions",
    retrieve="One training session",
    create=operation(
        "Record a training session and its feedback",
        TrainingSessionCreateSerializer,
        TrainingSessionSerializer,
        201,
        description="Counts of delegates per rating (at least one response in all); they feed the "
        "programme-wide share rated very good or exceptional (/dbv-progress/).",
    ),
)
class TrainingSessionViewSet(ScopedViewSet):
    """Training sessions of the Diagnostics, with how many delegates gave each feedback rating."""

    queryset = TrainingSession.objects.all()
    serializer_class = TrainingSessionSerializer
    filterset_class = TrainingSessionFilter
    ordering_fields = ["held_on", "module"]
    ordering = ["-held_on", "-pk"]
    required_actions = {"create": Permission.LOG_DIAGNOSTIC_PROGRESS}
    list_selector = training_session_list

    def create(self, request):
        return self.write(TrainingSessionCreateSerializer, training_session_log, status.HTTP_201_CREATED)
