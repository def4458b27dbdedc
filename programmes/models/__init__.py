"""Programmes, cohorts, enrolment, tiering, Diagnostics, agreements, grants and plans."""

from .agreement import (
    Agreement,
    AgreementCondition,
    AgreementTarget,
    AgreementVariation,
    Assessment,
    MonitoringReport,
    ReportStatus,
)
from .diagnostic import (
    PLANNED_LATE,
    Diagnostic,
    DiagnosticStage,
    EngagementKind,
    FeedbackRating,
    StageStatus,
    StakeholderEngagement,
    TrainingSession,
)
from .enrolment import OPEN_STATUSES, Enrolment, EnrolmentStatus, EnrolmentTransition, PartnerAssignment
from .grant import Grant, GrantKind, Payment, PaymentStatus
from .management_plan import ManagementPlan, ManagementPlanForecast, ReviewOutcome
from .reference import (
    Cohort,
    DiagnosticStageDefinition,
    FocusArea,
    FocusAreaQuestion,
    Programme,
    ProgrammeCode,
)
from .self_assessment import Rating, SelfAssessment, SelfAssessmentAnswer
from .tiering import ProposalStatus, Tier, TieringPlacement, TieringProposal

__all__ = [
    "OPEN_STATUSES",
    "PLANNED_LATE",
    "Agreement",
    "AgreementCondition",
    "AgreementTarget",
    "AgreementVariation",
    "Assessment",
    "Cohort",
    "Diagnostic",
    "DiagnosticStage",
    "DiagnosticStageDefinition",
    "EngagementKind",
    "Enrolment",
    "EnrolmentStatus",
    "EnrolmentTransition",
    "FeedbackRating",
    "FocusArea",
    "FocusAreaQuestion",
    "Grant",
    "GrantKind",
    "ManagementPlan",
    "ManagementPlanForecast",
    "MonitoringReport",
    "PartnerAssignment",
    "Payment",
    "PaymentStatus",
    "Programme",
    "ProgrammeCode",
    "ProposalStatus",
    "Rating",
    "ReportStatus",
    "ReviewOutcome",
    "SelfAssessment",
    "SelfAssessmentAnswer",
    "StageStatus",
    "StakeholderEngagement",
    "Tier",
    "TieringPlacement",
    "TieringProposal",
    "TrainingSession",
]
