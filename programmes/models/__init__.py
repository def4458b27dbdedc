"""Programmes, cohorts, enrolment and tiering (later steps add Diagnostics, agreements, grants, deadlines)."""

from .enrolment import OPEN_STATUSES, Enrolment, EnrolmentStatus, EnrolmentTransition, PartnerAssignment
from .reference import (
    Cohort,
    DiagnosticStageDefinition,
    FocusArea,
    FocusAreaQuestion,
    Programme,
    ProgrammeCode,
)
from .tiering import ProposalStatus, Tier, TieringPlacement, TieringProposal

__all__ = [
    "OPEN_STATUSES",
    "Cohort",
    "DiagnosticStageDefinition",
    "Enrolment",
    "EnrolmentStatus",
    "EnrolmentTransition",
    "FocusArea",
    "FocusAreaQuestion",
    "PartnerAssignment",
    "Programme",
    "ProgrammeCode",
    "ProposalStatus",
    "Tier",
    "TieringPlacement",
    "TieringProposal",
]
