"""What each role's home page shows."""

from datetime import date

from authorities.models import LocalAuthority
from deadlines.selectors import my_deadlines
from portal import access
from portal.access import Permission
from portal.roles import Role
from programmes.models import Programme
from steering.models import SteeringGroup


def home_context(user) -> dict:
    today = date.today()
    context = {
        "role": user.role,
        "Role": Role,
        "programmes": access.visible(user, Programme.objects.all()).prefetch_related("cohorts"),
    }
    authorities = access.visible(user, LocalAuthority.objects.select_related("region"))
    if user.role == Role.DFE_OFFICIAL:
        context["authorities_operating"] = authorities.operating_on(today).count()
    elif user.role == Role.DELIVERY_PARTNER:
        context["authorities"] = authorities
    elif user.role == Role.LA_FINANCE_LEAD:
        context["authority"] = authorities.first()
    context["can_view_dbv_progress"] = access.can(user, Permission.VIEW_DBV_PROGRESS)
    context["deadlines"] = my_deadlines(user=user, today=today)
    if user.role in (Role.DFE_OFFICIAL, Role.STEERING_MEMBER):
        context["steering_group"] = access.visible(user, SteeringGroup.objects.all()).first()
    return context
