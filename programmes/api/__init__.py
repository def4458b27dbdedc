"""API resources of the programmes app: one module per area (serializers, filters, viewsets).

Each resource is registered in config/api_urls.py (one line) and has a row in tests/api_matrix.py.
"""

from .agreements import AgreementViewSet, MonitoringReportViewSet
from .authorities import AuthorityViewSet
from .cohorts import CohortViewSet
from .diagnostics import DiagnosticStageViewSet, DiagnosticViewSet, EngagementViewSet, TrainingSessionViewSet
from .enrolments import EnrolmentViewSet
from .grants import GrantTotalsView, GrantViewSet, PaymentViewSet
from .management_plans import ManagementPlanViewSet
from .programmes import ProgrammeViewSet
from .progress import DbvProgressView
from .self_assessments import SelfAssessmentViewSet
from .tiering import TieringProposalViewSet

__all__ = [
    "AuthorityViewSet",
    "AgreementViewSet",
    "CohortViewSet",
    "DbvProgressView",
    "DiagnosticStageViewSet",
    "DiagnosticViewSet",
    "EngagementViewSet",
    "EnrolmentViewSet",
    "GrantTotalsView",
    "GrantViewSet",
    "ManagementPlanViewSet",
    "MonitoringReportViewSet",
    "PaymentViewSet",
    "ProgrammeViewSet",
    "SelfAssessmentViewSet",
    "TieringProposalViewSet",
    "TrainingSessionViewSet",
]
