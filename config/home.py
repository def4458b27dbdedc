"""What the home page shows: each panel to those the access policy lets use it."""

from datetime import date

from authorities.models import LocalAuthority
from deadlines.selectors import authority_deadlines, my_deadlines
from portal import access
from portal.access import Permission
from portal.roles import Role
from programmes.selectors.diagnostic import diagnostic_positions, training_feedback
from programmes.selectors.la_home import la_home
from programmes.selectors.workload import (
    enrolments_awaiting_decision,
    instalments_to_decide,
    monitoring_reports_to_assess,
    programme_status_counts,
)
from steering.models import SteeringGroup
from steering.selectors import action_list

from .deadline_links import LINKS as DEADLINE_LINKS


def _link_deadlines(user, *tables) -> None:
    """Each deadline shown links to the record it belongs to (config/deadline_links.py)."""
    shown = [deadline for table in tables if table for deadline in (*table.overdue, *table.upcoming)]
    DEADLINE_LINKS.attach(user, shown)


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
    _link_deadlines(user, context["deadlines"], context["authority_deadlines"])
    if access.can(user, Permission.BROWSE_AUTHORITIES):
        authorities = access.visible(user, LocalAuthority.objects.select_related("region"))
        if access.can(user, Permission.MANAGE_AUTHORITIES):  # every authority: how many operate
            context["authorities_operating"] = authorities.operating_on(today).count()
        else:  # the ones assigned to them, by name, each Diagnostic's next stage and anything late
            context["authorities"] = authorities
            context["diagnostic_positions"] = diagnostic_positions(user=user, today=today)
            if access.can(user, Permission.VIEW_DBV_PROGRESS):
                context["training_feedback"] = training_feedback(user=user)
    # A DfE official's workload: enrolments by programme and status, and what waits for a decision.
    if access.can(user, Permission.MANAGE_ENROLMENT):
        context["today"] = today
        context["programme_counts"] = programme_status_counts(user=user)
        context["enrolments_waiting"] = enrolments_awaiting_decision(user=user)
    if access.can(user, Permission.ASSESS_MONITORING_REPORT):
        context["reports_waiting"] = monitoring_reports_to_assess(user=user)
    if access.can(user, Permission.DECIDE_PAYMENT):
        context["instalments_waiting"] = instalments_to_decide(user=user, today=today)
    # An LA finance lead's authority: its programmes and status, and the latest decisions about it.
    if user.authority_id and access.can(user, Permission.SUBMIT_MONITORING_REPORT):
        context["la_home"] = la_home(user=user)
        context["next_due"] = next(iter(context["deadlines"].overdue + context["deadlines"].upcoming), None)
    if access.can(user, Permission.VIEW_STEERING_GROUP_WORK):
        context["steering_group"] = access.visible(user, SteeringGroup.objects.all()).first()
    if access.can(user, Permission.UPDATE_STEERING_ACTION):  # the open actions they own, to update
        context["steering_actions"] = list(action_list(user=user, open_only=True).filter(owner=user))
    return context
