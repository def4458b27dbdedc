"""The one access policy (SPEC §2): which rows a user may see, and what a user may do.

Every page, API endpoint, admin screen, export, report and task asks here; nothing else decides.
- `visible(user, queryset)` narrows any queryset to the rows the user may see. A model with no
  rule here is visible to DfE officials only (closed by default).
- `can(user, action, obj)` answers whether the user may perform an action (on an object they can
  see); `require` raises Http404 when the object is out of scope and PermissionDenied (403) when
  it is visible but the action is not theirs.
- `get_visible_or_404` fetches one row within scope, so an out-of-scope row is a 404, exactly as
  if it did not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from .audit import audit
from .roles import Role


class Permission(StrEnum):
    USE_ADMIN = "use_admin"
    VIEW_HISTORY = "view_history"
    IMPORT_DATA = "import_data"
    MANAGE_AUTHORITIES = "manage_authorities"
    MANAGE_ENROLMENT = "manage_enrolment"
    LOG_DIAGNOSTIC_PROGRESS = "log_diagnostic_progress"
    VIEW_DBV_PROGRESS = "view_dbv_progress"
    MANAGE_AGREEMENT = "manage_agreement"
    SUBMIT_MONITORING_REPORT = "submit_monitoring_report"
    ASSESS_MONITORING_REPORT = "assess_monitoring_report"
    DECIDE_PAYMENT = "decide_payment"
    AWARD_GRANT = "award_grant"
    SUBMIT_SELF_ASSESSMENT = "submit_self_assessment"
    SUBMIT_DSG_RETURN = "submit_dsg_return"
    SUBMIT_MANAGEMENT_PLAN = "submit_management_plan"
    REVIEW_MANAGEMENT_PLAN = "review_management_plan"
    MANAGE_STEERING_GROUP = "manage_steering_group"
    UPDATE_STEERING_ACTION = "update_steering_action"
    VIEW_STEERING_GROUP_WORK = "view_steering_group_work"
    BROWSE_AUTHORITIES = "browse_authorities"
    EXTEND_DEADLINE = "extend_deadline"


def _is_signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _is_system(user) -> bool:
    """The named account commands and tasks act as: trusted code, never a person signed in."""
    return getattr(user, "role", None) == Role.SYSTEM and not user.has_usable_password()


def is_dfe(user) -> bool:
    return _is_signed_in(user) and user.role == Role.DFE_OFFICIAL


# --- Rows a user may see --------------------------------------------------------------------

ScopeRule = Callable[[object, QuerySet], QuerySet]
_SCOPES: dict[str, ScopeRule] = {}


def visible(user, queryset: QuerySet) -> QuerySet:
    """The rows of `queryset` that `user` may see."""
    if _is_system(user):
        return queryset
    if not _is_signed_in(user):
        return queryset.none()
    if user.role == Role.DFE_OFFICIAL:
        return queryset
    rule = _SCOPES.get(queryset.model._meta.label)
    return rule(user, queryset) if rule else queryset.none()


def get_visible_or_404(user, queryset: QuerySet, **lookup) -> Model:
    try:
        return visible(user, queryset).get(**lookup)
    except queryset.model.DoesNotExist as missing:
        raise Http404(f"No {queryset.model._meta.verbose_name} found.") from missing


def can_see(user, obj: Model) -> bool:
    return visible(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()


def _path(*parts: str) -> str:
    return "__".join(part for part in parts if part)


def _dbv_assigned_to(user, enrolment: str) -> dict:
    """Lookups for "the DBV enrolment at `enrolment` is assigned to the partner's organisation"."""
    return {
        _path(enrolment, "partner_assignments__organisation"): user.organisation,
        _path(enrolment, "cohort__programme__code"): "DBV",
    }


def _rows_where(queryset: QuerySet, **lookups) -> QuerySet:
    # Through a to-many relation a row can match more than once: keep each row once, by its key.
    return queryset.filter(pk__in=queryset.model._default_manager.filter(**lookups).values("pk"))


def _authority_records(authority: str, *, partners: str | None = None) -> ScopeRule:
    """Records of one authority, reached from the row by the lookup path `authority` ("" for the
    authority itself).

    LA finance leads see their own authority's. Delivery partners see them only where `partners`
    is given: "authority" for any record of an authority with a DBV enrolment assigned to them, or
    the lookup path to the record's enrolment ("" for an enrolment itself) for records of that
    assigned DBV enrolment only. Paths only: the policy imports no app (docs/decisions/0017-layers.md).
    """

    def rule(user, queryset: QuerySet) -> QuerySet:
        if user.role == Role.LA_FINANCE_LEAD:
            return queryset.filter(**{_path(authority, "pk"): user.authority_id})
        if user.role == Role.DELIVERY_PARTNER and partners == "authority":
            return _rows_where(queryset, **_dbv_assigned_to(user, _path(authority, "enrolments")))
        if user.role == Role.DELIVERY_PARTNER and partners is not None:
            return _rows_where(queryset, **_dbv_assigned_to(user, partners))
        return queryset.none()

    return rule


def _everyone_signed_in(user, queryset: QuerySet) -> QuerySet:
    """Public reference facts from the source document."""
    return queryset


def _steering_group_work(user, queryset: QuerySet) -> QuerySet:
    """Meetings, papers and actions: for the group's members (and DfE)."""
    return queryset if user.role == Role.STEERING_MEMBER else queryset.none()


def _deadlines(user, queryset: QuerySet) -> QuerySet:
    mine = Q(owner=user)
    if user.role == Role.LA_FINANCE_LEAD:
        return queryset.filter(mine | Q(authority_id=user.authority_id))
    if user.role == Role.DELIVERY_PARTNER:
        assigned = _rows_where(queryset, **_dbv_assigned_to(user, "authority__enrolments"))
        return queryset.filter(mine | Q(owner_group="delivery_partners", pk__in=assigned.values("pk")))
    return queryset.filter(mine)


_SCOPES.update(
    {
        label: _everyone_signed_in
        for label in (
            "authorities.Region",
            "programmes.Programme",
            "programmes.Cohort",
            "programmes.DiagnosticStageDefinition",
            "programmes.FocusArea",
            "programmes.FocusAreaQuestion",
            "steering.SteeringGroup",
            "steering.RemitItem",
            "steering.Organisation",
            "steering.Member",
        )
    }
)
_SCOPES.update(
    {
        "authorities.LocalAuthority": _authority_records("", partners="authority"),
        "authorities.GssCode": _authority_records("authority", partners="authority"),
        "authorities.AuthorityAlias": _authority_records("authority", partners="authority"),
        "authorities.Contact": _authority_records("authority", partners="authority"),
        "authorities.DsgFigure": _authority_records("authority", partners="authority"),
        "programmes.Enrolment": _authority_records("authority", partners=""),
        "programmes.EnrolmentTransition": _authority_records("enrolment__authority", partners="enrolment"),
        "programmes.PartnerAssignment": _authority_records("enrolment__authority", partners="enrolment"),
        "programmes.Diagnostic": _authority_records("enrolment__authority", partners="enrolment"),
        "programmes.DiagnosticStage": _authority_records(
            "diagnostic__enrolment__authority", partners="diagnostic__enrolment"
        ),
        "programmes.StakeholderEngagement": _authority_records(
            "diagnostic__enrolment__authority", partners="diagnostic__enrolment"
        ),
        "programmes.TrainingSession": _authority_records(
            "diagnostic__enrolment__authority", partners="diagnostic__enrolment"
        ),
        "programmes.Grant": _authority_records("enrolment__authority", partners="enrolment"),
        "programmes.Payment": _authority_records("grant__enrolment__authority", partners="grant__enrolment"),
        "programmes.Agreement": _authority_records("enrolment__authority"),
        "programmes.AgreementCondition": _authority_records("agreement__enrolment__authority"),
        "programmes.AgreementTarget": _authority_records("agreement__enrolment__authority"),
        "programmes.AgreementVariation": _authority_records("agreement__enrolment__authority"),
        "programmes.MonitoringReport": _authority_records("agreement__enrolment__authority"),
        "programmes.SelfAssessment": _authority_records("authority"),
        "programmes.SelfAssessmentAnswer": _authority_records("self_assessment__authority"),
        "programmes.ManagementPlan": _authority_records("enrolment__authority"),
        "programmes.ManagementPlanForecast": _authority_records("plan__enrolment__authority"),
        "deadlines.Deadline": _deadlines,
        "steering.Meeting": _steering_group_work,
        "steering.Paper": _steering_group_work,
        "steering.Action": _steering_group_work,
    }
)


def deadlines_to_act_on(user, queryset: QuerySet) -> QuerySet:
    """The deadlines of `queryset` the user sees and must act on: their own; their group's (an LA
    finance lead: their authority's finance leads'; a delivery partner: the delivery partners' of
    the authorities assigned to them); and, for a DfE official, those theirs to escalate."""
    mine = Q(owner=user)
    if user.role == Role.LA_FINANCE_LEAD:
        mine |= Q(owner_group="finance_leads", authority_id=user.authority_id)
    elif user.role == Role.DELIVERY_PARTNER:
        mine |= Q(owner_group="delivery_partners")
    elif user.role == Role.DFE_OFFICIAL:
        mine |= Q(responsible=user)
    return visible(user, queryset).filter(mine)


# --- What a user may do ---------------------------------------------------------------------

_ROLES_FOR = {
    Permission.USE_ADMIN: {Role.DFE_OFFICIAL},
    Permission.VIEW_HISTORY: {Role.DFE_OFFICIAL},
    Permission.IMPORT_DATA: {Role.DFE_OFFICIAL},
    Permission.MANAGE_AUTHORITIES: {Role.DFE_OFFICIAL},
    Permission.MANAGE_ENROLMENT: {Role.DFE_OFFICIAL},
    Permission.LOG_DIAGNOSTIC_PROGRESS: {Role.DFE_OFFICIAL, Role.DELIVERY_PARTNER},
    Permission.VIEW_DBV_PROGRESS: {Role.DFE_OFFICIAL, Role.DELIVERY_PARTNER, Role.STEERING_MEMBER},
    Permission.MANAGE_AGREEMENT: {Role.DFE_OFFICIAL},
    Permission.SUBMIT_MONITORING_REPORT: {Role.LA_FINANCE_LEAD},
    Permission.ASSESS_MONITORING_REPORT: {Role.DFE_OFFICIAL},
    Permission.DECIDE_PAYMENT: {Role.DFE_OFFICIAL},
    Permission.AWARD_GRANT: {Role.DFE_OFFICIAL},
    Permission.SUBMIT_SELF_ASSESSMENT: {Role.LA_FINANCE_LEAD},
    # An LA return is the authority's own statement of its figures (decision 0030); DfE's come in as
    # published figures, through an import.
    Permission.SUBMIT_DSG_RETURN: {Role.LA_FINANCE_LEAD},
    Permission.SUBMIT_MANAGEMENT_PLAN: {Role.LA_FINANCE_LEAD},
    Permission.REVIEW_MANAGEMENT_PLAN: {Role.DFE_OFFICIAL},
    Permission.MANAGE_STEERING_GROUP: {Role.DFE_OFFICIAL},
    Permission.UPDATE_STEERING_ACTION: {Role.DFE_OFFICIAL, Role.STEERING_MEMBER},
    Permission.VIEW_STEERING_GROUP_WORK: {Role.DFE_OFFICIAL, Role.STEERING_MEMBER},
    # The register as a list to browse: DfE's every authority, a partner's assigned ones. A finance
    # lead goes straight to their own authority; a steering member sees no single authority.
    Permission.BROWSE_AUTHORITIES: {Role.DFE_OFFICIAL, Role.DELIVERY_PARTNER},
    # Moving one authority's deadline, with a reason (SPEC §4.8).
    Permission.EXTEND_DEADLINE: {Role.DFE_OFFICIAL},
}

# Actions on one object that need more than seeing it and having the role.
_OBJECT_RULES: dict[Permission, Callable[[object, Model], bool]] = {
    # A steering member updates only the actions assigned to them.
    Permission.UPDATE_STEERING_ACTION: lambda user, action: (
        user.role == Role.DFE_OFFICIAL or action.owner_id == user.pk
    ),
}


def can(user, action: Permission, obj: Model | None = None) -> bool:
    if action not in _ROLES_FOR:
        raise ValueError(f"The access policy has no rule for {action!r}.")
    if _is_system(user):
        return True
    if not _is_signed_in(user) or user.role not in _ROLES_FOR[action]:
        return False
    if obj is None:
        return True
    if not can_see(user, obj):
        return False
    object_rule = _OBJECT_RULES.get(action)
    return object_rule(user, obj) if object_rule else True


def require(user, action: Permission, obj: Model | None = None) -> None:
    """Raise Http404 when `obj` is out of the user's scope, PermissionDenied when visible but not allowed."""
    if _is_system(user):
        return
    if obj is not None and not can_see(user, obj):
        _refused(user, action, obj, "out of scope")
        raise Http404
    if not can(user, action, obj):
        _refused(user, action, obj, "not allowed")
        raise PermissionDenied(f"You do not have permission to {action.value.replace('_', ' ')}.")


def _refused(user, action: Permission, obj: Model | None, why: str) -> None:
    target = f"{obj._meta.label}:{obj.pk}" if obj is not None else "-"
    audit.warning(
        "refused user=%s action=%s object=%s (%s)", getattr(user, "username", None), action, target, why
    )
