"""Demo self-assessments against the five focus areas (SPEC §4.7): two authorities', submitted by their own
demo finance leads, with invented answers marked as such. Made only where missing."""

from __future__ import annotations

from demo.accounts import demo_user
from demo.marking import mark_demo
from portal.roles import Role
from programmes.models import FocusArea, Rating, SelfAssessment
from programmes.services.self_assessment import self_assessment_submit

# One DBV and one Safety Valve authority with a demo finance lead.
DEMO_SELF_ASSESSMENT_LA_CODES = ("207", "838")
_DEMO_RATINGS = {
    "207": (Rating.AMBER, Rating.GREEN, Rating.AMBER, Rating.RED, Rating.AMBER),
    "838": (Rating.RED, Rating.AMBER, Rating.RED, Rating.AMBER, Rating.GREEN),
}
_DEMO_ANSWER = "Demo answer (invented, not this authority's view): {area} is rated {rating} in this example."


def seed_demo_self_assessments() -> int:
    """A self-assessment for two demo authorities, submitted as their demo finance lead (as only they may)."""
    areas = list(FocusArea.objects.order_by("number"))
    created = 0
    for code in DEMO_SELF_ASSESSMENT_LA_CODES:
        lead = demo_user(f"la.{code}")
        if lead is None or lead.role != Role.LA_FINANCE_LEAD:
            continue
        if SelfAssessment.objects.filter(authority=lead.authority, is_demo=True).exists():
            continue
        answers = {
            area.number: (
                rating,
                _DEMO_ANSWER.format(area=area.short_name, rating=Rating(rating).label.lower()),
            )
            for area, rating in zip(areas, _DEMO_RATINGS[code], strict=False)
        }
        mark_demo([self_assessment_submit(actor=lead, authority=lead.authority, answers=answers)])
        created += 1
    return created


def seed(*, actor) -> int:
    """Make the missing demo self-assessments; returns how many were made."""
    return seed_demo_self_assessments()
