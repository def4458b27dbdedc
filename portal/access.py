"""The one access policy (SPEC §2): which rows a user may see, and what a user may do.

Every page, API endpoint, admin screen, export, report and task asks here; nothing else decides.
- `visible(user, queryset)` narrows any queryset to the rows the user may see. A model with no
  rule here is visible to DfE officials only (closed by default).
- `can(user, action, obj)` answers whether the user may perform an action (on an object they can
  see); `require` raises PermissionDenied (403) when not.
- `get_visible_or_404` fetches one row within scope, so an out-of-scope row is a 404, exactly as
  if it did not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from .roles import Role


class Action(StrEnum):
    MANAGE_AUTHORITIES = "manage_authorities"
    MANAGE_ENROLMENT = "manage_enrolment"
    MANAGE_STEERING_GROUP = "manage_steering_group"
    IMPORT_DATA = "import_data"
    VIEW_HISTORY = "view_history"
    USE_ADMIN = "use_admin"


def _is_signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_dfe(user) -> bool:
    return _is_signed_in(user) and user.role == Role.DFE_OFFICIAL


def role_of(user) -> str | None:
    return user.role if _is_signed_in(user) else None


# --- Rows a user may see --------------------------------------------------------------------

ScopeRule = Callable[[object, QuerySet], QuerySet]
_SCOPES: dict[str, ScopeRule] = {}


def _scope(label: str):
    def register(rule: ScopeRule) -> ScopeRule:
        _SCOPES[label] = rule
        return rule

    return register


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


def _partner_authorities(user) -> QuerySet:
    """The authorities whose DBV enrolment is assigned to the partner's organisation."""
    from programmes.models import PartnerAssignment

    return PartnerAssignment.objects.filter(
        organisation=user.organisation, enrolment__cohort__programme__code="DBV"
    ).values("enrolment__authority_id")


def _by_authority(path: str) -> ScopeRule:
    """A rule for records that belong to one authority, reached from the row through `path`."""

    def rule(user, queryset: QuerySet) -> QuerySet:
        if user.role == Role.LA_FINANCE_LEAD:
            return queryset.filter(**{path: user.authority_id})
        if user.role == Role.DELIVERY_PARTNER:
            return queryset.filter(**{f"{path}__in": _partner_authorities(user)})
        return queryset.none()

    return rule


_SCOPES["authorities.LocalAuthority"] = _by_authority("pk")
_SCOPES["authorities.Contact"] = _by_authority("authority_id")
_SCOPES["authorities.DsgFigure"] = _by_authority("authority_id")
_SCOPES["authorities.GssCode"] = _by_authority("authority_id")
_SCOPES["authorities.AuthorityAlias"] = _by_authority("authority_id")


@_scope("programmes.Enrolment")
def _enrolments(user, queryset: QuerySet) -> QuerySet:
    if user.role == Role.LA_FINANCE_LEAD:
        return queryset.filter(authority_id=user.authority_id)
    if user.role == Role.DELIVERY_PARTNER:
        return queryset.filter(
            cohort__programme__code="DBV", partner_assignments__organisation=user.organisation
        ).distinct()
    return queryset.none()


@_scope("programmes.EnrolmentTransition")
def _transitions(user, queryset: QuerySet) -> QuerySet:
    from programmes.models import Enrolment

    return queryset.filter(enrolment__in=_enrolments(user, Enrolment.objects.all()))


def _reference_data(user, queryset: QuerySet) -> QuerySet:
    """Public reference facts from the source document: every signed-in user may read them."""
    return queryset


for _label in (
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
):
    _SCOPES[_label] = _reference_data


# --- What a user may do ---------------------------------------------------------------------

_DFE_ONLY = {
    Action.MANAGE_AUTHORITIES,
    Action.MANAGE_ENROLMENT,
    Action.MANAGE_STEERING_GROUP,
    Action.IMPORT_DATA,
    Action.VIEW_HISTORY,
    Action.USE_ADMIN,
}


def _is_system(user) -> bool:
    """The named account commands and tasks act as: trusted code, never a person signed in."""
    return getattr(user, "role", None) == Role.SYSTEM and not user.has_usable_password()


def can(user, action: Action, obj: Model | None = None) -> bool:
    if _is_system(user):
        return True
    if not _is_signed_in(user):
        return False
    if obj is not None and not can_see(user, obj):
        return False
    if action in _DFE_ONLY:
        return user.role == Role.DFE_OFFICIAL
    raise ValueError(f"The access policy has no rule for {action!r}.")


def require(user, action: Action, obj: Model | None = None) -> None:
    """Raise 404 when `obj` is out of the user's scope, 403 when visible but not allowed."""
    if _is_system(user):
        return
    if obj is not None and not can_see(user, obj):
        raise Http404
    if not can(user, action, obj):
        raise PermissionDenied(f"You do not have permission to {action.value.replace('_', ' ')}.")
