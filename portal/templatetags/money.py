"""Money on pages: whole pounds with thousands separators, a minus sign for deficits."""

from django import template

from portal.money import format_pounds

register = template.Library()


@register.filter
def pounds(value) -> str:
    if value is None or value == "":
        return "—"
    return format_pounds(value, pence=False)
