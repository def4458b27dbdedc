"""What the home page shows: each panel to those the access policy lets use it."""

from datetime import date

from authorities.models import LocalAuthority
from deadlines.selectors import authority_deadlines, my_deadlines
from portal import access
from portal.access import Permission
from portal.roles import Role
from programmes.selectors.workload import (
    enrolments_awaiting_decision,
    instalments_to_decide,
    monitoring_reports_to_assess,
    programme_status_counts,
)
from steering.models import SteeringGroup


def home_context(user) -> dict:
    today = date.today()
    context = {
        "role": user.role,
        "Role": Role,  # the welcome text is written per role; the panels below ask the policy
        "authority": user.authority if user.authority_id else None,
        "can_view_dbv_progress": access.can(user, Permission.VIEW_DBV_PROGRESS),
        "can_manage_programmes": access.can(user, Permission.MANAGE_ENROLMENT),
        "deadlines": my_deadlines(user=user, today=today),
        "authority_deadlines": authority_deadlines(user=user, today=today),
    }
    if access.can(user, Permission.BROWSE_AUTHORITIES):
        authorities = access.visible(user, LocalAuthority.objects.select_related("region"))
        if access.can(user, Permission.MANAGE_AUTHORITIES):  # every authority: how many operate
            context["authorities_operating"] = authorities.operating_on(today).count()
        else:  # the ones assigned to them, by name
            context["authorities"] = authorities
    # A DfE official's workload: enrolments by programme and status, and what waits for a decision.
    if access.can(user, Permission.MANAGE_ENROLMENT):
        context["today"] = today
        context["programme_counts"] = programme_status_counts(user=user)
        context["enrolments_waiting"] = enrolments_awaiting_decision(user=user)
    if access.can(user, Permission.ASSESS_MONITORING_REPORT):
        context["reports_waiting"] = monitoring_reports_to_assess(user=user)
    if access.can(user, Permission.DECIDE_PAYMENT):
        context["instalments_waiting"] = instalments_to_decide(user=user, today=today)
    if access.can(user, Permission.VIEW_STEERING_GROUP_WORK):
        context["steering_group"] = access.visible(user, SteeringGroup.objects.all()).first()
    return context
