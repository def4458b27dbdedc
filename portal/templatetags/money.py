"""Money on pages: whole pounds with thousands separators, a minus sign for deficits."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()


@register.filter
def pounds(value) -> str:
    if value is None or value == "":
        return "—"
    amount = Decimal(value).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    sign = "−" if amount < 0 else ""
    return f"{sign}£{abs(amount):,}"
