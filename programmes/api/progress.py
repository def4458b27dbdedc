"""`dbv-progress`: DBV-wide progress figures (SPEC §4.4), for the roles with VIEW_DBV_PROGRESS.

National counts only: open and closed Diagnostics per tranche, how many of each tranche's open
Diagnostics have each stage in each status, and the programme-wide share of training feedback rated
very good or exceptional. It never names an authority (steering members see it); per-authority
progress is /diagnostics/, within the caller's scope. LA finance leads are refused (403).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from portal import access
from portal.access import Permission
from portal.api.schema import error_response

from ..models import StageStatus
from ..selectors.diagnostic import dbv_matrix, training_feedback_share


class StageColumnSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    name = serializers.CharField()


class StageStatusCountsSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="Stage number, 1 to 12.")
    not_started = serializers.IntegerField(source=f"counts.{StageStatus.NOT_STARTED}")
    in_progress = serializers.IntegerField(source=f"counts.{StageStatus.IN_PROGRESS}")
    complete = serializers.IntegerField(source=f"counts.{StageStatus.COMPLETE}")
    blocked = serializers.IntegerField(source=f"counts.{StageStatus.BLOCKED}")


class TrancheProgressSerializer(serializers.Serializer):
    tranche = serializers.IntegerField()
    cohort_name = serializers.CharField()
    open_diagnostics = serializers.IntegerField()
    closed_diagnostics = serializers.IntegerField(help_text="Closed: the enrolment declined or withdrew.")
    planned_after_due = serializers.IntegerField(
        help_text="Open Diagnostics planned to be complete after `diagnostics_due_by`."
    )
    stage_counts = StageStatusCountsSerializer(
        many=True, help_text="Per stage, how many open Diagnostics of the tranche are in each status."
    )


class DbvProgressSerializer(serializers.Serializer):
    diagnostics_due_by = serializers.DateField(
        allow_null=True, help_text="The date by which every Diagnostic is to be complete."
    )
    stages = StageColumnSerializer(many=True)
    tranches = TrancheProgressSerializer(many=True)
    training_feedback_share = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        allow_null=True,
        help_text="% of delegate responses rated very good or exceptional, programme-wide (null: none yet).",
    )


class DbvProgressView(APIView):
    """GET: the DBV programme's progress, by tranche and stage."""

    @extend_schema(
        operation_id="dbv_progress",
        tags=["diagnostics"],
        summary="DBV programme progress (national figures)",
        responses={200: DbvProgressSerializer, 403: error_response("403")},
    )
    def get(self, request):
        access.require(request.user, Permission.VIEW_DBV_PROGRESS)
        matrix = dbv_matrix(user=request.user)
        body = {
            "diagnostics_due_by": matrix.diagnostics_due_by,
            "stages": matrix.stages,
            "tranches": matrix.tranches,
            "training_feedback_share": training_feedback_share(user=request.user),
        }
        return Response(DbvProgressSerializer(body).data)
