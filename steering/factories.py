"""Test factories for the Sector Steering Group, built on its services so deadlines follow.

The group itself and its seats are reference data in the test database (`steering_group()`).

To add a factory: put it at the end of this file under a name nobody has used; reuse what exists.
"""

from __future__ import annotations

from .models import SteeringGroup


def steering_group() -> SteeringGroup:
    return SteeringGroup.objects.get()
