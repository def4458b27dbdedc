"""Reads of the Sector Steering Group, scoped through the access policy."""

from portal import access

from .models import SteeringGroup


def steering_group(*, user) -> SteeringGroup:
    groups = SteeringGroup.objects.prefetch_related("remit", "members__organisation")
    return access.get_visible_or_404(user, groups, name=SteeringGroup.SECTOR_STEERING_GROUP)
