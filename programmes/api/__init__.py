"""API resources of the programmes app: one module per resource (serializer, filters, viewset).

Later resources (diagnostics, agreements, grants, payments, deadlines) each add a module here and
one line to portal/api/urls.py.
"""

from .cohorts import CohortViewSet
from .enrolments import EnrolmentViewSet
from .programmes import ProgrammeViewSet
from .tiering import TieringProposalViewSet

__all__ = ["CohortViewSet", "EnrolmentViewSet", "ProgrammeViewSet", "TieringProposalViewSet"]
