"""Self-assessment against the five focus areas of a sustainable high needs system (SPEC §4.7)."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class Rating(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class SelfAssessment(models.Model):
    """An authority's view of itself against the focus areas, submitted by its finance lead."""

    authority = models.ForeignKey(
        "authorities.LocalAuthority", on_delete=models.CASCADE, related_name="self_assessments"
    )
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["authority", "-submitted_at"]

    def __str__(self) -> str:
        return f"Self-assessment: {self.authority} ({self.submitted_at:%d %b %Y})"


class SelfAssessmentAnswer(models.Model):
    self_assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="answers")
    focus_area = models.ForeignKey("programmes.FocusArea", on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(max_length=8, choices=Rating.choices)
    answer = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["self_assessment", "focus_area__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["self_assessment", "focus_area"], name="one_answer_per_focus_area"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.focus_area}: {self.get_rating_display()}"
