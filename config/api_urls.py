"""URLs of the API under /api/v1/: every resource is registered in RESOURCES, and nowhere else.

A resource is a ScopedViewSet in its app (serializer, FilterSet, viewset). Register it here with
its URL prefix and basename, then give it a row in tests/api_matrix.py: the endpoint x role test
is generated from this router, so a resource without a row fails the suite.
"""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from authorities.api import DsgReturnViewSet
from deadlines.api import DeadlineViewSet
from portal.api.auth import MeView, TokenView
from portal.api.views import unknown_endpoint
from programmes.api import (
    AgreementViewSet,
    AuthorityViewSet,
    CohortViewSet,
    DbvProgressView,
    DiagnosticStageViewSet,
    DiagnosticViewSet,
    EngagementViewSet,
    EnrolmentViewSet,
    GrantTotalsView,
    GrantViewSet,
    ManagementPlanViewSet,
    MonitoringReportViewSet,
    PaymentViewSet,
    ProgrammeViewSet,
    SelfAssessmentViewSet,
    TieringProposalViewSet,
    TrainingSessionViewSet,
)
from steering.api import ActionViewSet, MeetingViewSet, PaperViewSet, SteeringMemberViewSet

app_name = "api"

# (URL prefix, viewset, basename)
RESOURCES = [
    ("authorities", AuthorityViewSet, "authority"),
    ("programmes", ProgrammeViewSet, "programme"),
    ("cohorts", CohortViewSet, "cohort"),
    ("enrolments", EnrolmentViewSet, "enrolment"),
    ("dsg-returns", DsgReturnViewSet, "dsg-return"),
    ("tiering-proposals", TieringProposalViewSet, "tiering-proposal"),
    ("diagnostics", DiagnosticViewSet, "diagnostic"),
    ("diagnostic-stages", DiagnosticStageViewSet, "diagnostic-stage"),
    ("engagements", EngagementViewSet, "engagement"),
    ("training-sessions", TrainingSessionViewSet, "training-session"),
    ("agreements", AgreementViewSet, "agreement"),
    ("monitoring-reports", MonitoringReportViewSet, "monitoring-report"),
    ("grants", GrantViewSet, "grant"),
    ("payments", PaymentViewSet, "payment"),
    ("deadlines", DeadlineViewSet, "deadline"),
    ("self-assessments", SelfAssessmentViewSet, "self-assessment"),
    ("management-plans", ManagementPlanViewSet, "management-plan"),
    ("steering-group/members", SteeringMemberViewSet, "steering-member"),
    ("steering-group/meetings", MeetingViewSet, "steering-meeting"),
    ("steering-group/papers", PaperViewSet, "steering-paper"),
    ("steering-group/actions", ActionViewSet, "steering-action"),
]

router = DefaultRouter()
for prefix, viewset, basename in RESOURCES:
    router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    # Read-only figures that belong to no one record (tested on their own, like me/).
    path("dbv-progress/", DbvProgressView.as_view(), name="dbv-progress"),
    path("grant-totals/", GrantTotalsView.as_view(), name="grant-totals"),
    *router.urls,
    # Anything else under /api/v1/ answers a JSON 404 in the one error shape.
    re_path(r"^.*$", unknown_endpoint, name="unknown-endpoint"),
]
