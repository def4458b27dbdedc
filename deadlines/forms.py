"""The deadline extension question page's form, in GOV.UK style (crispy-forms-gds)."""

from datetime import date

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from portal.forms import DayMonthYearField


class DeadlineExtensionForm(forms.Form):
    new_due_on = DayMonthYearField(
        what="new due date",
        example=date(2027, 3, 27),
        label="New due date",
        help_text="For example, 27 3 2027. It must be after the current due date.",
    )
    reason = forms.CharField(
        label="Why is the deadline being extended?",
        help_text="It is kept in the deadline's history, with your name and the date before.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the deadline is being extended"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("new_due_on", context={"legend_size": Size.for_legend(Size.MEDIUM)}),
            Field.textarea("reason", label_size=Size.MEDIUM),
            Button("submit", "Continue"),
        )

    @staticmethod
    def data_for(new_due_on, reason: str) -> dict:
        """The POST data that fills the form with these answers (for answers kept between pages)."""
        return {
            "new_due_on_0": str(new_due_on.day),
            "new_due_on_1": str(new_due_on.month),
            "new_due_on_2": str(new_due_on.year),
            "reason": reason,
        }
