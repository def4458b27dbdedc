"""`tiering-proposals`: rank authorities by DSG deficit % and propose Safety Valve, DBV and ESFA (SPEC §4.3).

POST runs the proposal (programmes.services.tiering); POST /{id}/approve/ approves it and turns it into
invitations of every proposed authority (the pages approve, then invite a selection: decision 0025).
"""

from __future__ import annotations

from django_filters import rest_framework as filters
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from authorities.models import FigureSource
from portal.access import Permission
from portal.api.fields import (
    FinancialYearField,
    FinancialYearFilter,
    LaCodeField,
    ScopedPrimaryKeyRelatedField,
)
from portal.api.schema import INHERITED_DESCRIPTION, operation, resource_schema
from portal.api.viewsets import ScopedViewSet
from portal.financial_year import FinancialYear

from ..models import Cohort, Enrolment, ProposalStatus, Tier, TieringPlacement, TieringProposal
from ..selectors.tiering import (
    compare_with_dbv_cohort,
    tiering_proposal_list,
    tiering_proposals_with_placements,
)
from ..services.tiering import DEFAULT_SV_PLACES, SOURCE_PREFERENCE, tiering_approve, tiering_propose

DEFAULT_REFERENCE_YEAR = "2020-21"


class TieringPlacementSerializer(serializers.ModelSerializer):
    authority = LaCodeField()
    authority_name = serializers.CharField(source="authority.name", read_only=True)

    class Meta:
        model = TieringPlacement
        fields = [
            "authority",
            "authority_name",
            "tier",
            "rank",
            "deficit_percent",
            "cumulative_balance",
            "total_dsg_allocation",
            "figure_source",
        ]
        read_only_fields = fields


class TierCountsSerializer(serializers.Serializer):
    SV = serializers.IntegerField(source="count_SV")
    DBV = serializers.IntegerField(source="count_DBV")
    ESFA = serializers.IntegerField(source="count_ESFA")
    no_figures = serializers.IntegerField(source="count_no_figures")
    excluded = serializers.IntegerField(source="count_excluded")


class TieringProposalSerializer(serializers.ModelSerializer):
    reference_year = FinancialYearField(read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    approved_by = serializers.CharField(source="approved_by.username", read_only=True, allow_null=True)
    tier_counts = TierCountsSerializer(source="*", read_only=True)
    figure_sources = serializers.ListField(
        child=serializers.ChoiceField(choices=FigureSource.choices),
        read_only=True,
        help_text="The sources of figures the proposal ranked on, in order of preference "
        "(empty for proposals made before it was recorded).",
    )

    class Meta:
        model = TieringProposal
        fields = [
            "id",
            "reference_year",
            "sv_places",
            "dbv_places",
            "figure_sources",
            "status",
            "created_by",
            "created_at",
            "approved_by",
            "approved_at",
            "tier_counts",
        ]
        read_only_fields = fields


class TieringProposalDetailSerializer(TieringProposalSerializer):
    placements = TieringPlacementSerializer(many=True, read_only=True)

    class Meta(TieringProposalSerializer.Meta):
        fields = [*TieringProposalSerializer.Meta.fields, "placements"]
        read_only_fields = fields


class ProposeSerializer(serializers.Serializer):
    reference_year = FinancialYearField(
        required=False, default=FinancialYear.parse(DEFAULT_REFERENCE_YEAR), help_text="Default 2020-21."
    )
    sv_places = serializers.IntegerField(
        min_value=0,
        max_value=32767,
        required=False,
        default=DEFAULT_SV_PLACES,
        help_text=f"How many Safety Valve places (top N). Default {DEFAULT_SV_PLACES}: it stands in for the "
        "authorities DfE had already invited to Safety Valve, which the portal does not record.",
    )
    dbv_places = serializers.IntegerField(
        min_value=0,
        max_value=32767,
        required=False,
        allow_null=True,
        default=None,
        help_text="Default: DBV's 55.",
    )
    sources = serializers.ListField(
        child=serializers.ChoiceField(choices=FigureSource.choices),
        required=False,
        allow_empty=False,
        default=None,
        help_text="The sources of figures to rank on (default: published only). With several, an "
        f"authority's first usable figure in the order {', '.join(SOURCE_PREFERENCE)} is used.",
    )
    source = serializers.ChoiceField(
        choices=FigureSource.choices,
        required=False,
        allow_null=True,
        default=None,
        help_text="Use figures from this source only (instead of `sources`).",
    )


class ApprovalCohortsSerializer(serializers.Serializer):
    SV = ScopedPrimaryKeyRelatedField(
        queryset=Cohort.objects.all(), required=False, help_text="Cohort id for Safety Valve."
    )
    DBV = ScopedPrimaryKeyRelatedField(
        queryset=Cohort.objects.all(), required=False, help_text="Cohort id for DBV."
    )
    ESFA = ScopedPrimaryKeyRelatedField(
        queryset=Cohort.objects.all(), required=False, help_text="Cohort id for ESFA."
    )


class ApproveSerializer(serializers.Serializer):
    cohorts = ApprovalCohortsSerializer(help_text="The cohort each proposed tier is invited into, by tier.")


class InvitedSerializer(serializers.ModelSerializer):
    authority = LaCodeField()
    cohort = serializers.IntegerField(source="cohort_id", read_only=True)

    class Meta:
        model = Enrolment
        fields = ["id", "authority", "cohort", "status"]
        read_only_fields = fields


class SkippedSerializer(serializers.Serializer):
    authority = LaCodeField()
    tier = serializers.ChoiceField(choices=Tier.choices)
    reason = serializers.CharField()


class ApprovalSerializer(serializers.Serializer):
    proposal = TieringProposalSerializer()
    invited = InvitedSerializer(many=True)
    skipped = SkippedSerializer(many=True)


class ComparisonSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The proposal compared.")
    agree = TieringPlacementSerializer(many=True, help_text="In the proposal's DBV tier and enrolled in DBV.")
    proposed_not_enrolled = TieringPlacementSerializer(
        many=True, help_text="In the proposal's DBV tier but not enrolled in DBV."
    )
    enrolled_not_proposed = TieringPlacementSerializer(
        many=True, help_text="Enrolled in DBV but placed in another tier by the proposal."
    )
    enrolled_without_placement = serializers.ListField(
        child=serializers.CharField(),
        help_text="LA codes enrolled in DBV but not in the proposal (not operating at the end of its year).",
    )


class TieringProposalFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ProposalStatus.choices)
    reference_year = FinancialYearFilter(field_name="reference_year")

    class Meta:
        model = TieringProposal
        fields = ["status", "reference_year"]


@resource_schema(
    "tiering-proposals",
    list=operation("List tiering proposals", description=INHERITED_DESCRIPTION),
    retrieve=operation(
        "One tiering proposal, with every authority's placement", description=INHERITED_DESCRIPTION
    ),
    create=operation(
        "Run a tiering proposal",
        ProposeSerializer,
        TieringProposalDetailSerializer,
        201,
        description="Ranks the authorities operating at the end of `reference_year` by DSG deficit % and "
        "places the top `sv_places` in Safety Valve, the next `dbv_places` in DBV and the rest in ESFA; "
        "authorities without figures (`no figures`) and those already in Safety Valve (`excluded`) are listed "
        "apart. It ranks on DfE's published figures only unless `sources` (or `source`) says otherwise.",
    ),
    approve=operation(
        "Approve a proposal: invite its authorities",
        ApproveSerializer,
        ApprovalSerializer,
        id="tiering_proposals_approve",
        description="Approves the proposal and invites its Safety Valve, DBV and ESFA authorities into the "
        "given cohorts, all or nothing; authorities already enrolled or no longer operating are skipped and "
        "listed.",
    ),
    comparison=operation(
        "Compare a proposal's DBV tier with the actual DBV enrolments",
        answer=ComparisonSerializer,
        id="tiering_proposals_comparison",
        description="Which authorities the proposal and the actual DBV cohort agree on, and which differ, "
        "each with the figures that placed it.",
    ),
)
class TieringProposalViewSet(ScopedViewSet):
    queryset = TieringProposal.objects.all()
    serializer_class = TieringProposalSerializer
    filterset_class = TieringProposalFilter
    ordering_fields = ["created_at", "reference_year"]
    ordering = ["-created_at", "-pk"]
    required_actions = {"create": Permission.MANAGE_ENROLMENT, "approve": Permission.MANAGE_ENROLMENT}
    list_selector = tiering_proposal_list
    detail_selector = tiering_proposals_with_placements

    def get_serializer_class(self):
        return TieringProposalDetailSerializer if self.action != "list" else TieringProposalSerializer

    def create(self, request):
        return self.write(ProposeSerializer, tiering_propose, status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"])
    def comparison(self, request, pk=None):
        proposal = self.get_object()
        comparison = compare_with_dbv_cohort(user=request.user, proposal=proposal)
        body = {
            "id": proposal.pk,
            "agree": comparison.agree,
            "proposed_not_enrolled": comparison.proposed_not_enrolled,
            "enrolled_not_proposed": comparison.enrolled_not_proposed,
            "enrolled_without_placement": [
                e.authority.la_code for e in comparison.enrolled_without_placement
            ],
        }
        return Response(ComparisonSerializer(body, context=self.get_serializer_context()).data)

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        proposal = self.get_object()
        data = self.validated(ApproveSerializer)
        cohorts = {Tier(tier): cohort for tier, cohort in data["cohorts"].items()}
        approval = tiering_approve(actor=request.user, proposal=proposal, cohorts=cohorts)
        proposal = tiering_proposal_list(user=request.user).get(pk=approval.proposal.pk)
        body = {
            "proposal": TieringProposalSerializer(proposal, context=self.get_serializer_context()).data,
            "invited": InvitedSerializer(approval.invited, many=True).data,
            "skipped": SkippedSerializer(approval.skipped, many=True).data,
        }
        return Response(body)
