"""`agreements` and `monitoring-reports`: Safety Valve agreements (SPEC §4.5), written only by their service.

POST /agreements/ records a signed agreement (DfE) with its conditions, yearly targets, contribution
instalments and monitoring report dates; POST /agreements/{id}/variations/ records a numbered
variation of its terms (decision 0026). POST /monitoring-reports/{id}/submit/ is the authority's
finance lead submitting actual figures (until DfE has assessed the report); POST .../assess/ is DfE
assessing a submitted report once. Submitting an assessed report, or assessing one not submitted or
already assessed, answers 409.
"""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.access import Permission
from portal.api.fields import (
    FinancialYearField,
    LaCodeField,
    MoneyField,
    ScopedPrimaryKeyRelatedField,
    WholeNumberFilter,
)
from portal.api.schema import operation, resource_schema
from portal.api.viewsets import ScopedViewSet

from ..models import (
    Agreement,
    AgreementCondition,
    AgreementVariation,
    Assessment,
    Enrolment,
    EnrolmentStatus,
    MonitoringReport,
    Payment,
    ReportStatus,
)
from ..selectors.agreement import (
    agreement_list,
    monitoring_report_list,
    off_track_review,
    targets_against_actuals,
)
from ..selectors.agreement import instalments as agreement_instalments
from ..services.agreement import (
    agreement_create,
    agreement_vary,
    monitoring_report_assess,
    monitoring_report_submit,
)

AGREEMENT_AUTHORITY = "agreement__enrolment__authority"


# --- Agreements: what is read ------------------------------------------------------------------


class ConditionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgreementCondition
        fields = ["number", "text"]
        read_only_fields = fields


class TargetAgainstActualSerializer(serializers.Serializer):
    financial_year = FinancialYearField(read_only=True)
    in_year_balance = MoneyField(source="target_in_year_balance", read_only=True, help_text="Target.")
    cumulative_balance = MoneyField(source="target_cumulative_balance", read_only=True, help_text="Target.")
    actual_in_year_balance = MoneyField(
        read_only=True, allow_null=True, help_text="From the latest submitted report due in the year."
    )
    actual_cumulative_balance = MoneyField(read_only=True, allow_null=True)
    missed = serializers.BooleanField(
        read_only=True, allow_null=True, help_text="Actual cumulative balance below target (null: no actual)."
    )


class InstalmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["id", "number", "due_on", "amount", "status", "decided_at"]
        read_only_fields = fields


class ReportSummarySerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()
    assessment = serializers.ChoiceField(
        choices=Assessment.choices, allow_blank=True, read_only=True, help_text="Blank until assessed."
    )

    class Meta:
        model = MonitoringReport
        fields = ["id", "due_on", "status", "submitted_at", "assessment", "assessed_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=ReportStatus.choices))
    def get_status(self, report) -> str:
        return report.status


class WithholdReviewSerializer(serializers.Serializer):
    report = serializers.IntegerField(source="report.pk", help_text="The latest assessed report: off track.")
    payment = serializers.IntegerField(
        source="payment.pk",
        allow_null=True,
        help_text="The instalment up for a withhold decision (null once decided).",
    )
    decide_by = serializers.DateField(help_text="When the decision is due at the latest.")


class VariationSerializer(serializers.ModelSerializer):
    changes = serializers.ListField(
        source="change_lines", child=serializers.CharField(), help_text="What it changed, one line each."
    )
    recorded_by = serializers.CharField(source="recorded_by.display_name", read_only=True)

    class Meta:
        model = AgreementVariation
        fields = ["number", "varied_on", "reason", "changes", "recorded_by", "recorded_at"]
        read_only_fields = fields


class AgreementSerializer(serializers.ModelSerializer):
    authority = LaCodeField(source="enrolment.authority.la_code")
    authority_name = serializers.CharField(source="enrolment.authority.name", read_only=True)
    enrolment = serializers.IntegerField(source="enrolment_id", read_only=True)
    enrolment_status = serializers.ChoiceField(
        source="enrolment.status", choices=EnrolmentStatus.choices, read_only=True
    )
    published_url = serializers.CharField(read_only=True, help_text="Where it is published; blank if not.")
    grant = serializers.SerializerMethodField(help_text="The grant the DfE contribution is paid under.")
    conditions = ConditionSerializer(many=True, read_only=True)
    targets = serializers.SerializerMethodField(help_text="Yearly targets, with the actuals reported.")
    instalments = serializers.SerializerMethodField(help_text="The contribution's payments, in order.")
    monitoring_reports = ReportSummarySerializer(many=True, read_only=True)
    variations = VariationSerializer(
        many=True, read_only=True, help_text="The variations that led to the current terms, in order."
    )
    withhold_review = serializers.SerializerMethodField(
        help_text="While the latest assessed report is off track: the instalment up for a withhold "
        "decision (releasing any instalment then needs an override reason). Null otherwise."
    )

    class Meta:
        model = Agreement
        fields = [
            "id",
            "authority",
            "authority_name",
            "enrolment",
            "enrolment_status",
            "signed_on",
            "published_url",
            "deficit_at_signing",
            "total_contribution",
            "grant",
            "is_demo",
            "conditions",
            "targets",
            "instalments",
            "monitoring_reports",
            "variations",
            "withhold_review",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_grant(self, agreement) -> int | None:
        grant = getattr(agreement, "contribution", None)
        return grant.pk if grant else None

    @extend_schema_field(TargetAgainstActualSerializer(many=True))
    def get_targets(self, agreement):
        return TargetAgainstActualSerializer(targets_against_actuals(agreement), many=True).data

    @extend_schema_field(InstalmentSerializer(many=True))
    def get_instalments(self, agreement):
        return InstalmentSerializer(agreement_instalments(agreement), many=True).data

    @extend_schema_field(WithholdReviewSerializer(allow_null=True))
    def get_withhold_review(self, agreement):
        review = off_track_review(agreement)
        return WithholdReviewSerializer(review).data if review else None


# --- Agreements: what is written ---------------------------------------------------------------


class TargetInputSerializer(serializers.Serializer):
    financial_year = FinancialYearField()
    in_year_balance = MoneyField(help_text="Negative for a deficit.")
    cumulative_balance = MoneyField(help_text="Negative for a deficit; £0 or more in the last year.")


class InstalmentInputSerializer(serializers.Serializer):
    due_on = serializers.DateField()
    amount = MoneyField()


class AgreementCreateSerializer(serializers.Serializer):
    enrolment = ScopedPrimaryKeyRelatedField(
        queryset=Enrolment.objects.all(), help_text="The accepted or active Safety Valve enrolment."
    )
    signed_on = serializers.DateField(help_text="Not in the future.")
    published_url = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200, help_text="Where it is published."
    )
    deficit_at_signing = MoneyField(help_text="More than £0.")
    total_contribution = MoneyField(help_text="More than £0, and no more than the deficit.")
    conditions = serializers.ListField(
        child=serializers.CharField(max_length=10_000),
        allow_empty=False,
        help_text="The reform commitments, in order.",
    )
    targets = TargetInputSerializer(
        many=True,
        help_text="One per financial year, from the year of signing until the deficit is eliminated.",
    )
    instalments = InstalmentInputSerializer(
        many=True, help_text="The contribution's payments: they add up exactly to total_contribution."
    )
    first_report_due = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Default: 3 months after signing."
    )
    report_count = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=200,
        help_text="How many quarterly reports (default: up to the end of the last target year).",
    )


class VariationInputSerializer(serializers.Serializer):
    varied_on = serializers.DateField(help_text="Not before signing, not in the future.")
    reason = serializers.CharField(max_length=10_000, help_text="Why the agreement is varied.")
    conditions = serializers.ListField(
        child=serializers.CharField(max_length=10_000),
        allow_empty=False,
        help_text="Every condition as it stands after the variation, in order.",
    )
    targets = TargetInputSerializer(many=True, help_text="Every yearly target after the variation.")
    instalments = InstalmentInputSerializer(
        many=True,
        help_text="The instalments still to be decided, after the variation: with those already released or "
        "withheld (which cannot change) they add up exactly to the total contribution.",
    )


class AgreementFilter(filters.FilterSet):
    authority = filters.CharFilter(field_name="enrolment__authority__la_code", help_text="LA code.")
    enrolment_status = filters.ChoiceFilter(field_name="enrolment__status", choices=EnrolmentStatus.choices)

    class Meta:
        model = Agreement
        fields = ["authority", "enrolment_status"]


@resource_schema(
    "agreements",
    list="List Safety Valve agreements",
    retrieve="One agreement: conditions, targets against actuals, instalments, reports",
    create=operation(
        "Record a signed agreement",
        AgreementCreateSerializer,
        AgreementSerializer,
        201,
        description="Records the agreement of an accepted or active Safety Valve enrolment with its "
        "conditions, yearly targets, the DfE contribution (a grant whose instalments add up exactly to "
        "it) and quarterly monitoring reports; each report and instalment gets its deadline.",
    ),
    variations=operation(
        "Record a variation of a signed agreement",
        VariationInputSerializer,
        AgreementSerializer,
        201,
        id="agreements_variations",
        description="The terms are given in full as they stand after the variation, checked as the first "
        "terms were; the agreement then holds them and its `variations` say what changed, when and why. "
        "A variation that changes nothing is refused.",
    ),
)
class AgreementViewSet(ScopedViewSet):
    """Safety Valve agreements, one per Safety Valve enrolment. Money in pounds; negative is a deficit."""

    queryset = Agreement.objects.all()
    serializer_class = AgreementSerializer
    filterset_class = AgreementFilter
    ordering_fields = ["signed_on", "enrolment__authority__name", "enrolment__authority__la_code"]
    ordering = ["enrolment__authority__name", "pk"]
    required_actions = {"create": Permission.MANAGE_AGREEMENT, "variations": Permission.MANAGE_AGREEMENT}
    list_selector = agreement_list

    def create(self, request):
        data = self.validated(AgreementCreateSerializer)
        agreement = agreement_create(
            actor=request.user,
            enrolment=data["enrolment"],
            signed_on=data["signed_on"],
            published_url=data["published_url"],
            deficit_at_signing=data["deficit_at_signing"],
            total_contribution=data["total_contribution"],
            conditions=data["conditions"],
            targets=[
                (target["financial_year"], target["in_year_balance"], target["cumulative_balance"])
                for target in data["targets"]
            ],
            instalments=[(instalment["due_on"], instalment["amount"]) for instalment in data["instalments"]],
            first_report_due=data["first_report_due"],
            report_count=data["report_count"],
        )
        return self.answer(agreement, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def variations(self, request, pk=None):
        agreement = self.get_object()
        data = self.validated(VariationInputSerializer)
        agreement_vary(
            actor=request.user,
            agreement=agreement,
            varied_on=data["varied_on"],
            reason=data["reason"],
            conditions=data["conditions"],
            targets=[
                (target["financial_year"], target["in_year_balance"], target["cumulative_balance"])
                for target in data["targets"]
            ],
            instalments=[(instalment["due_on"], instalment["amount"]) for instalment in data["instalments"]],
        )
        return self.answer(agreement, status.HTTP_201_CREATED)


# --- Monitoring reports ------------------------------------------------------------------------


class MonitoringReportSerializer(serializers.ModelSerializer):
    agreement = serializers.IntegerField(source="agreement_id", read_only=True)
    authority = LaCodeField(source="agreement.enrolment.authority.la_code")
    authority_name = serializers.CharField(source="agreement.enrolment.authority.name", read_only=True)
    status = serializers.SerializerMethodField(
        help_text="due (not submitted), submitted (awaiting DfE's assessment) or assessed."
    )
    submitted_by = serializers.CharField(source="submitted_by.username", read_only=True, allow_null=True)
    assessed_by = serializers.CharField(source="assessed_by.username", read_only=True, allow_null=True)
    assessment = serializers.ChoiceField(
        choices=Assessment.choices, allow_blank=True, read_only=True, help_text="Blank until assessed."
    )

    class Meta:
        model = MonitoringReport
        fields = [
            "id",
            "agreement",
            "authority",
            "authority_name",
            "due_on",
            "status",
            "submitted_at",
            "submitted_by",
            "actual_in_year_balance",
            "actual_cumulative_balance",
            "narrative",
            "assessment",
            "assessed_at",
            "assessed_by",
            "assessment_notes",
            "is_demo",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=ReportStatus.choices))
    def get_status(self, report) -> str:
        return report.status


class SubmitSerializer(serializers.Serializer):
    actual_in_year_balance = MoneyField(help_text="Negative for a deficit.")
    actual_cumulative_balance = MoneyField(help_text="Negative for a deficit.")
    narrative = serializers.CharField(max_length=50_000, help_text="What happened in the period, and why.")


class AssessSerializer(serializers.Serializer):
    assessment = serializers.ChoiceField(choices=Assessment.choices)
    notes = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=50_000,
        help_text="Needed for at risk and off track: why.",
    )


class AssessmentOutcomeSerializer(serializers.Serializer):
    report = MonitoringReportSerializer()
    instalment_for_decision = InstalmentSerializer(
        allow_null=True,
        help_text="Off track: the instalment now up for a withhold decision (null otherwise).",
    )


class MonitoringReportFilter(filters.FilterSet):
    agreement = WholeNumberFilter(field_name="agreement_id", help_text="Agreement id.")
    authority = filters.CharFilter(field_name=f"{AGREEMENT_AUTHORITY}__la_code", help_text="LA code.")
    status = filters.ChoiceFilter(choices=ReportStatus.choices, method="filter_status")
    assessment = filters.ChoiceFilter(choices=Assessment.choices)

    class Meta:
        model = MonitoringReport
        fields = ["agreement", "authority", "status", "assessment"]

    def filter_status(self, queryset, name, value):
        return queryset.with_status(value)


@resource_schema(
    "agreements",
    list="List monitoring reports",
    retrieve="One monitoring report",
    submit=operation(
        "Submit the actual figures (the authority's finance lead)",
        SubmitSerializer,
        MonitoringReportSerializer,
        id="monitoring_reports_submit",
        description="Submits, or until DfE has assessed it resubmits, the report's actual figures and "
        "narrative. An assessed report answers 409.",
    ),
    assess=operation(
        "Assess a submitted report (DfE)",
        AssessSerializer,
        AssessmentOutcomeSerializer,
        id="monitoring_reports_assess",
        description="On track, at risk or off track (the last two with notes), once. Off track puts the "
        "agreement's next instalment up for a withhold decision. A report not submitted, or already "
        "assessed, answers 409.",
    ),
)
class MonitoringReportViewSet(ScopedViewSet):
    """The monitoring reports each agreement's authority owes DfE (quarterly by default)."""

    queryset = MonitoringReport.objects.all()
    serializer_class = MonitoringReportSerializer
    filterset_class = MonitoringReportFilter
    ordering_fields = ["due_on", "submitted_at", "assessed_at", f"{AGREEMENT_AUTHORITY}__name"]
    ordering = ["due_on", f"{AGREEMENT_AUTHORITY}__name", "pk"]
    required_actions = {
        "submit": Permission.SUBMIT_MONITORING_REPORT,
        "assess": Permission.ASSESS_MONITORING_REPORT,
    }
    transition_actions = frozenset({"submit", "assess"})
    list_selector = monitoring_report_list

    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self.write(SubmitSerializer, monitoring_report_submit, report=self.get_object())

    @action(detail=True, methods=["post"])
    def assess(self, request, pk=None):
        report = self.get_object()
        outcome = monitoring_report_assess(
            actor=request.user, report=report, **self.validated(AssessSerializer)
        )
        instalment = outcome.instalment_for_decision
        return Response(
            {
                "report": self.get_serializer(self.fresh(outcome.report)).data,
                "instalment_for_decision": InstalmentSerializer(instalment).data if instalment else None,
            }
        )
