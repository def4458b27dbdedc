"""The deadline extension question page's form, in GOV.UK style (crispy-forms-gds)."""

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.core.exceptions import ValidationError


class _RealDateField(DateInputField):
    def compress(self, data_list):
        try:
            return super().compress(data_list)
        except ValidationError as impossible:  # like 31 2 2027
            raise ValidationError("The new due date must be a real date") from impossible


class DeadlineExtensionForm(forms.Form):
    new_due_on = _RealDateField(
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
        field = self.fields["new_due_on"]
        field.error_messages["required"] = "Enter the new due date"
        field.error_messages["incomplete"] = "The new due date must include a day, month and year"
        day, month, year = field.fields
        day.error_messages["incomplete"] = "The new due date must include a day"
        month.error_messages["incomplete"] = "The new due date must include a month"
        year.error_messages["incomplete"] = "The new due date must include a year"
        day.validators[0].message = "The new due date's day must be a number, like 27"
        month.validators[0].message = "The new due date's month must be a number, like 3"
        year.validators[0].message = "The new due date's year must be a number, like 2027"
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
