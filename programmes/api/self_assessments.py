"""`self-assessments`: an authority's view of itself against the five focus areas (SPEC §4.7).

The authority's finance lead submits one (POST): a red, amber or green rating and an answer for
every focus area. Each submission is kept whole; DfE and the authority see them.
"""

from __future__ import annotations

import re

from django_filters import rest_framework as filters
from rest_framework import serializers, status

from authorities.api_fields import AuthorityByLaCode
from portal.access import Permission
from portal.api.domain import fields_renamed
from portal.api.fields import LaCodeField
from portal.api.schema import operation, resource_schema
from portal.api.viewsets import ScopedViewSet

from ..models import Rating, SelfAssessment, SelfAssessmentAnswer
from ..selectors.trajectory import self_assessment_list
from ..services.self_assessment import self_assessment_submit

_SERVICE_FIELD = re.compile(r"^(rating|answer)_(\d+)$")


class AnswerSerializer(serializers.ModelSerializer):
    focus_area = serializers.IntegerField(source="focus_area.number", read_only=True, help_text="1 to 5.")
    focus_area_name = serializers.CharField(source="focus_area.short_name", read_only=True)

    class Meta:
        model = SelfAssessmentAnswer
        fields = ["focus_area", "focus_area_name", "rating", "answer"]
        read_only_fields = fields


class SelfAssessmentSerializer(serializers.ModelSerializer):
    authority = LaCodeField()
    authority_name = serializers.CharField(source="authority.name", read_only=True)
    submitted_by = serializers.CharField(source="submitted_by.username", read_only=True)
    answers = AnswerSerializer(many=True, read_only=True)

    class Meta:
        model = SelfAssessment
        fields = ["id", "authority", "authority_name", "submitted_by", "submitted_at", "is_demo", "answers"]
        read_only_fields = fields


class AnswerInputSerializer(serializers.Serializer):
    focus_area = serializers.IntegerField(
        min_value=1, max_value=32767, help_text="Focus area number, 1 to 5."
    )
    rating = serializers.ChoiceField(choices=Rating.choices)
    answer = serializers.CharField(max_length=20_000, help_text="How the authority stands, and why.")


class SelfAssessmentSubmitSerializer(serializers.Serializer):
    authority = AuthorityByLaCode(
        required=False, help_text="Your authority's LA code (the default: a finance lead has one)."
    )
    answers = AnswerInputSerializer(many=True, help_text="One per focus area: all five.")


class SelfAssessmentFilter(filters.FilterSet):
    authority = filters.CharFilter(field_name="authority__la_code", help_text="LA code.")

    class Meta:
        model = SelfAssessment
        fields = ["authority"]


@resource_schema(
    "dsg-position",
    list="List self-assessments",
    retrieve="One self-assessment, with its five answers",
    create=operation(
        "Submit a self-assessment (the authority's finance lead)",
        SelfAssessmentSubmitSerializer,
        SelfAssessmentSerializer,
        201,
        description="A rating (red, amber or green) and an answer for every one of the five focus areas.",
    ),
)
class SelfAssessmentViewSet(ScopedViewSet):
    """Self-assessments against the five focus areas of a sustainable high needs system, newest first."""

    queryset = SelfAssessment.objects.all()
    serializer_class = SelfAssessmentSerializer
    filterset_class = SelfAssessmentFilter
    ordering_fields = ["submitted_at", "authority__name"]
    ordering = ["-submitted_at", "-pk"]
    required_actions = {"create": Permission.SUBMIT_SELF_ASSESSMENT}
    list_selector = self_assessment_list

    def create(self, request):
        data = self.validated(SelfAssessmentSubmitSerializer)
        authority = data.get("authority") or request.user.authority
        if authority is None:
            raise serializers.ValidationError({"authority": ["Give the authority's LA code."]})
        rows = data["answers"]
        positions = {row["focus_area"]: index for index, row in enumerate(rows)}
        if len(positions) < len(rows):
            raise serializers.ValidationError({"answers": ["Give each focus area once."]})

        def input_field(service_field: str) -> str:
            """The service's rating_3 is the rating of answers[i] whose focus_area is 3."""
            match = _SERVICE_FIELD.match(service_field)
            if match and int(match.group(2)) in positions:
                return f"answers.{positions[int(match.group(2))]}.{match.group(1)}"
            return "answers"

        with fields_renamed(input_field):
            assessment = self_assessment_submit(
                actor=request.user,
                authority=authority,
                answers={row["focus_area"]: (row["rating"], row["answer"]) for row in rows},
            )
        return self.answer(assessment, status.HTTP_201_CREATED)
