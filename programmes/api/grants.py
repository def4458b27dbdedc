"""`grants`, `payments` and `grant-totals`: DBV implementation grants and Safety Valve contributions (SPEC §4.6).

POST /grants/ awards a DBV implementation grant (DfE) with its payment schedule; Safety Valve
contributions are made with their agreement (POST /agreements/). A payment is decided once:
POST /payments/{id}/release/ or /withhold/ (DfE, with a reason); /reschedule/ moves a scheduled one.
Deciding a payment that is no longer scheduled answers 409. /grant-totals/ sums the money by
programme and year over the grants the caller may see (national for DfE).
"""

from __future__ import annotations

from decimal import Decimal

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.access import Permission
from portal.api.domain import fields_renamed
from portal.api.fields import (
    FinancialYearField,
    FinancialYearFilter,
    LaCodeField,
    ScopedPrimaryKeyRelatedField,
    WholeNumberFilter,
)
from portal.api.schema import operation, resource_schema
from portal.api.viewsets import ScopedViewSet

from ..models import Enrolment, Grant, GrantKind, Payment, PaymentStatus, ProgrammeCode
from ..selectors.grants import grant_list, national_grant_totals, payment_list
from ..services.grants import dbv_grant_award, payment_release, payment_reschedule, payment_withhold
from .agreements import MoneyField

GRANT_AUTHORITY = "grant__enrolment__authority"
PAYMENT_TRANSITIONS = ["release", "withhold", "reschedule"]


# --- Grants ------------------------------------------------------------------------------------


class GrantPaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["id", "number", "due_on", "financial_year", "amount", "status", "decided_at"]
        read_only_fields = fields

    financial_year = FinancialYearField(read_only=True)


class GrantSerializer(serializers.ModelSerializer):
    authority = LaCodeField(source="enrolment.authority.la_code")
    authority_name = serializers.CharField(source="enrolment.authority.name", read_only=True)
    enrolment = serializers.IntegerField(source="enrolment_id", read_only=True)
    programme = serializers.ChoiceField(
        source="enrolment.cohort.programme.code", choices=ProgrammeCode.choices, read_only=True
    )
    agreement = serializers.IntegerField(
        source="agreement_id", read_only=True, allow_null=True, help_text="Safety Valve contributions only."
    )
    financial_year = FinancialYearField(read_only=True)
    awarded_by = serializers.CharField(source="awarded_by.username", read_only=True)
    released = serializers.SerializerMethodField(help_text="Sum of the released payments.")
    withheld = serializers.SerializerMethodField(help_text="Sum of the withheld payments.")
    scheduled = serializers.SerializerMethodField(help_text="Sum of the payments still scheduled.")
    payments = GrantPaymentSerializer(many=True, read_only=True)

    class Meta:
        model = Grant
        fields = [
            "id",
            "authority",
            "authority_name",
            "enrolment",
            "programme",
            "kind",
            "agreement",
            "amount",
            "awarded_on",
            "financial_year",
            "awarded_by",
            "is_demo",
            "released",
            "withheld",
            "scheduled",
            "payments",
        ]
        read_only_fields = fields

    def _sum(self, grant, payment_status) -> str:
        total = sum(
            (payment.amount for payment in grant.payments.all() if payment.status == payment_status),
            Decimal("0.00"),
        )
        return f"{total:.2f}"

    @extend_schema_field(MoneyField(read_only=True))
    def get_released(self, grant) -> str:
        return self._sum(grant, PaymentStatus.RELEASED)

    @extend_schema_field(MoneyField(read_only=True))
    def get_withheld(self, grant) -> str:
        return self._sum(grant, PaymentStatus.WITHHELD)

    @extend_schema_field(MoneyField(read_only=True))
    def get_scheduled(self, grant) -> str:
        return self._sum(grant, PaymentStatus.SCHEDULED)


class PaymentInputSerializer(serializers.Serializer):
    due_on = serializers.DateField(help_text="Not before the award date.")
    amount = MoneyField(help_text="More than £0.")


class GrantAwardSerializer(serializers.Serializer):
    enrolment = ScopedPrimaryKeyRelatedField(
        queryset=Enrolment.objects.all(),
        help_text="An open DBV enrolment whose Diagnostic has “Grant application submitted” complete.",
    )
    amount = MoneyField(help_text="More than £0.")
    awarded_on = serializers.DateField(help_text="Not in the future, nor before the application.")
    payments = PaymentInputSerializer(many=True, help_text="The schedule: it adds up exactly to amount.")


class GrantFilter(filters.FilterSet):
    authority = filters.CharFilter(field_name="enrolment__authority__la_code", help_text="LA code.")
    programme = filters.ChoiceFilter(
        field_name="enrolment__cohort__programme__code", choices=ProgrammeCode.choices
    )
    kind = filters.ChoiceFilter(choices=GrantKind.choices)
    financial_year = FinancialYearFilter(field_name="financial_year", help_text="The year of the award.")

    class Meta:
        model = Grant
        fields = ["authority", "programme", "kind", "financial_year"]


@resource_schema(
    "grants",
    list="List grants",
    retrieve="One grant, with its payments",
    create=operation(
        "Award a DBV implementation grant",
        GrantAwardSerializer,
        GrantSerializer,
        201,
        description="At the end of the Diagnostic: the enrolment's stage 11 “Grant application "
        "submitted” must be complete; the award completes stage 12. One per enrolment. Safety Valve "
        "contributions are recorded with their agreement (POST /agreements/).",
    ),
)
class GrantViewSet(ScopedViewSet):
    """DBV implementation grants and Safety Valve contributions, with their payments. Money in pounds."""

    queryset = Grant.objects.all()
    serializer_class = GrantSerializer
    filterset_class = GrantFilter
    ordering_fields = ["awarded_on", "amount", "financial_year", "enrolment__authority__name"]
    ordering = ["-awarded_on", "-pk"]
    required_actions = {"create": Permission.AWARD_GRANT}
    list_selector = grant_list

    def create(self, request):
        data = self.validated(GrantAwardSerializer)
        # The service checks the schedule as "instalments": here they are the grant's payments.
        with fields_renamed({"instalments": "payments"}):
            grant = dbv_grant_award(
                actor=request.user,
                enrolment=data["enrolment"],
                amount=data["amount"],
                awarded_on=data["awarded_on"],
                payments=[(payment["due_on"], payment["amount"]) for payment in data["payments"]],
            )
        return self.answer(grant, status.HTTP_201_CREATED)


# --- Payments ----------------------------------------------------------------------------------


class PaymentSerializer(serializers.ModelSerializer):
    grant = serializers.IntegerField(source="grant_id", read_only=True)
    authority = LaCodeField(source="grant.enrolment.authority.la_code")
    authority_name = serializers.CharField(source="grant.enrolment.authority.name", read_only=True)
    programme = serializers.ChoiceField(
        source="grant.enrolment.cohort.programme.code", choices=ProgrammeCode.choices, read_only=True
    )
    kind = serializers.ChoiceField(source="grant.kind", choices=GrantKind.choices, read_only=True)
    financial_year = FinancialYearField(read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, allow_null=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "grant",
            "authority",
            "authority_name",
            "programme",
            "kind",
            "number",
            "due_on",
            "financial_year",
            "amount",
            "status",
            "decided_by",
            "decided_at",
            "decision_reason",
            "override_reason",
        ]
        read_only_fields = fields


class ReleaseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=10_000, help_text="Why it is released.")
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=10_000,
        help_text="Needed while the agreement's latest assessed monitoring report is off track.",
    )


class WithholdSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=10_000, help_text="The condition or target not met.")


class RescheduleSerializer(serializers.Serializer):
    due_on = serializers.DateField(help_text="Not before the grant was awarded.")


class PaymentFilter(filters.FilterSet):
    grant = WholeNumberFilter(field_name="grant_id", help_text="Grant id.")
    authority = filters.CharFilter(field_name=f"{GRANT_AUTHORITY}__la_code", help_text="LA code.")
    programme = filters.ChoiceFilter(
        field_name="grant__enrolment__cohort__programme__code", choices=ProgrammeCode.choices
    )
    kind = filters.ChoiceFilter(field_name="grant__kind", choices=GrantKind.choices)
    status = filters.ChoiceFilter(choices=PaymentStatus.choices)
    financial_year = FinancialYearFilter(field_name="financial_year", help_text="The year it is due in.")

    class Meta:
        model = Payment
        fields = ["grant", "authority", "programme", "kind", "status", "financial_year"]


def _decision(name: str, serializer, summary: str, description: str) -> dict:
    return operation(summary, serializer, PaymentSerializer, id=f"payments_{name}", description=description)


@resource_schema(
    "grants",
    list="List payments",
    retrieve="One payment, with its decision",
    release=_decision(
        "release",
        ReleaseSerializer,
        "Release a scheduled payment",
        "While the agreement's latest assessed monitoring report is off track, only with an "
        "override_reason. A payment already released or withheld answers 409.",
    ),
    withhold=_decision(
        "withhold",
        WithholdSerializer,
        "Withhold a scheduled payment",
        "A payment already released or withheld answers 409.",
    ),
    reschedule=_decision(
        "reschedule",
        RescheduleSerializer,
        "Move a scheduled payment's due date",
        "Its financial year and decision deadline move with it. A decided payment answers 409.",
    ),
)
class PaymentViewSet(ScopedViewSet):
    """Payments (instalments) of grants: scheduled, then released or withheld by a DfE decision."""

    queryset = Payment.objects.all()
    serializer_class = PaymentSerializer
    filterset_class = PaymentFilter
    ordering_fields = ["due_on", "amount", "status", "decided_at", f"{GRANT_AUTHORITY}__name"]
    ordering = ["due_on", "grant_id", "number"]
    required_actions = dict.fromkeys(PAYMENT_TRANSITIONS, Permission.DECIDE_PAYMENT)
    transition_actions = frozenset(PAYMENT_TRANSITIONS)
    list_selector = payment_list

    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        return self.write(ReleaseSerializer, payment_release, payment=self.get_object())

    @action(detail=True, methods=["post"])
    def withhold(self, request, pk=None):
        return self.write(WithholdSerializer, payment_withhold, payment=self.get_object())

    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        return self.write(RescheduleSerializer, payment_reschedule, payment=self.get_object())


# --- National totals ---------------------------------------------------------------------------


class GrantTotalsRowSerializer(serializers.Serializer):
    programme = serializers.ChoiceField(choices=ProgrammeCode.choices)
    financial_year = FinancialYearField()
    awarded = MoneyField(help_text="Grants awarded in the year.")
    released = MoneyField(help_text="Payments due in the year, released.")
    withheld = MoneyField(help_text="Payments due in the year, withheld.")
    scheduled = MoneyField(help_text="Payments due in the year, still scheduled.")


class GrantTotalsSerializer(serializers.Serializer):
    totals = GrantTotalsRowSerializer(many=True, help_text="By programme (SV, then DBV) and year.")


class GrantTotalsView(APIView):
    """GET: money awarded, released, withheld and scheduled, by programme and financial year."""

    @extend_schema(
        operation_id="grant_totals",
        tags=["grants"],
        summary="Grant totals by programme and year",
        description="National for DfE officials; for everyone else, the totals of the grants and payments "
        "they may see (a finance lead: their authority's).",
        responses={200: GrantTotalsSerializer},
    )
    def get(self, request):
        return Response(GrantTotalsSerializer({"totals": national_grant_totals(user=request.user)}).data)
