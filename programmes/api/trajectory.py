"""GET /authorities/{la_code}/trajectory/: an authority's DSG trajectory (SPEC §4.7), read-only.

Actual figures by year (the preferred source where several have figures), its Safety Valve
agreement's targets where the caller may see them, and a forecast by the settings' planning
assumptions, with the flags: target missed, deficit larger than usable reserves after the
statutory override. Worked out by programmes.selectors.trajectory, within the caller's scope.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from authorities.models import FigureSource
from portal.api.fields import LA_CODE_SCHEMA, FinancialYearField, LaCodeField
from portal.api.schema import error_response

from ..selectors.trajectory import authority_trajectory
from ..trajectory import DEFAULT_FORECAST_YEARS, YearKind

MAX_FORECAST_YEARS = 20
MONEY = {"max_digits": 15, "decimal_places": 2, "read_only": True, "allow_null": True}
YEAR_KINDS = [
    (YearKind.ACTUAL, "Actual figures"),
    (YearKind.FORECAST, "Forecast"),
    (YearKind.NO_FIGURES, "No figures (a gap, or a target year alone)"),
]


class AssumptionsSerializer(serializers.Serializer):
    first_growth_year = FinancialYearField(help_text="High needs block grows by first_growth_rate into it.")
    first_growth_rate = serializers.DecimalField(max_digits=6, decimal_places=4, help_text="A fraction.")
    later_growth_rate = serializers.DecimalField(
        max_digits=6, decimal_places=4, help_text="A fraction, each year after."
    )
    statutory_override_last_year = FinancialYearField(
        help_text="After this year, a deficit larger than usable reserves is flagged."
    )


class TrajectoryYearSerializer(serializers.Serializer):
    financial_year = FinancialYearField()
    kind = serializers.ChoiceField(choices=YEAR_KINDS)
    source = serializers.ChoiceField(
        choices=FigureSource.choices, allow_blank=True, help_text="Actual years: where the figures came from."
    )
    other_sources = serializers.ListField(
        child=serializers.ChoiceField(choices=FigureSource.choices),
        help_text="Other sources with figures for the year, not used.",
    )
    total_dsg_allocation = serializers.DecimalField(**MONEY)
    high_needs_allocation = serializers.DecimalField(**MONEY)
    in_year_balance = serializers.DecimalField(**MONEY)
    cumulative_balance = serializers.DecimalField(**MONEY)
    usable_reserves = serializers.DecimalField(**MONEY)
    deficit = serializers.DecimalField(**MONEY, help_text="The cumulative deficit as a positive amount.")
    target_in_year_balance = serializers.DecimalField(**MONEY)
    target_cumulative_balance = serializers.DecimalField(**MONEY)
    target_missed = serializers.BooleanField(help_text="Actual cumulative balance below the target.")
    deficit_exceeds_reserves = serializers.BooleanField(
        help_text="After the statutory override: deficit larger than usable reserves."
    )


class TrajectorySerializer(serializers.Serializer):
    authority = LaCodeField()
    authority_name = serializers.CharField(source="authority.name")
    agreement = serializers.IntegerField(
        source="agreement.pk", allow_null=True, help_text="The agreement the targets come from."
    )
    assumptions = AssumptionsSerializer()
    forecast_unavailable = serializers.CharField(help_text="Why there is no forecast (blank when there is).")
    years = TrajectoryYearSerializer(many=True, help_text="Every year from the first to the last, in order.")


class ForecastForSerializer(serializers.Serializer):
    forecast_for = serializers.IntegerField(
        min_value=0, max_value=MAX_FORECAST_YEARS, required=False, default=DEFAULT_FORECAST_YEARS
    )


class TrajectoryMixin:
    """The `trajectory` action of the authorities resource."""

    @extend_schema(
        operation_id="authorities_trajectory",
        summary="An authority's DSG trajectory: actuals, targets, forecast and flags",
        tags=["authorities"],
        parameters=[
            OpenApiParameter("la_code", type=LA_CODE_SCHEMA, location=OpenApiParameter.PATH),
            OpenApiParameter(
                "forecast_for",
                type={"type": "integer", "minimum": 0, "maximum": MAX_FORECAST_YEARS},
                description=f"Years to forecast after the last actual one (default {DEFAULT_FORECAST_YEARS}).",
            ),
        ],
        responses={200: TrajectorySerializer, 400: error_response("400")},
    )
    @action(detail=True, methods=["get"])
    def trajectory(self, request, la_code=None):
        authority = self.get_object()
        query = ForecastForSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        trajectory = authority_trajectory(
            user=request.user, authority=authority, forecast_for=query.validated_data["forecast_for"]
        )
        return Response(TrajectorySerializer(trajectory).data)
