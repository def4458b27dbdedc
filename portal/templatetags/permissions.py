"""The access policy in templates: `{% if user|can:"manage_enrolment" %}` shows what only some roles may do.

The page's view still asks the policy (`access.require`) before it acts: this only decides what to show.
"""

from django import template

from portal import access
from portal.access import Permission

register = template.Library()


@register.filter
def can(user, permission: str) -> bool:
    return access.can(user, Permission(permission))
