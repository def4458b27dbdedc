"""Forms of the self-assessment pages (SPEC §4.7), in GOV.UK style (crispy-forms-gds): one focus area's
rating and comment, and the comparison's programme filter."""

from __future__ import annotations

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from .models import FocusArea, Programme, Rating


class FocusAreaAnswerForm(forms.Form):
    """A rating (red, amber or green) and a comment for one focus area. The fields are named as the
    service names them (`rating_3`, `answer_3`), so its refusals land on them."""

    def __init__(self, *args, focus_area: FocusArea, **kwargs):
        super().__init__(*args, **kwargs)
        self.focus_area = focus_area
        number = focus_area.number
        self.rating_field, self.answer_field = f"rating_{number}", f"answer_{number}"
        self.fields[self.rating_field] = forms.ChoiceField(
            label=f"How does the authority rate itself on {focus_area.short_name.lower()}?",
            choices=[Choice(value, label) for value, label in Rating.choices],
            widget=forms.RadioSelect,
            error_messages={"required": f"Select red, amber or green for “{focus_area.short_name}”"},
        )
        self.fields[self.answer_field] = forms.CharField(
            label="Comment",
            help_text="How the authority stands on this area and why, with the questions to consider in mind.",
            widget=forms.Textarea(attrs={"rows": 6}),
            max_length=20_000,
            error_messages={
                "required": f"Enter a comment on “{focus_area.short_name}”",
                "max_length": "The comment must be 20,000 characters or fewer",
            },
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios(self.rating_field, legend_size=Size.MEDIUM, inline=True),
            Field.textarea(self.answer_field),
            Button("submit", "Save and return to the task list"),
        )

    def answer(self) -> dict:
        """The cleaned answer as the session keeps it."""
        return {
            "rating": self.cleaned_data[self.rating_field],
            "answer": self.cleaned_data[self.answer_field].strip(),
        }


class ComparisonFilterForm(forms.Form):
    """The comparison's filter: the programme of each authority's open enrolment. An unknown one is an error."""

    programme = forms.ChoiceField(
        label="Programme",
        required=False,
        error_messages={"invalid_choice": "Choose a programme from the list: “%(value)s” is not one"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [("", "All programmes")] + [
            (programme.code, programme.name) for programme in Programme.objects.order_by("name")
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Field.select("programme"), Button("submit", "Show", css_class="govuk-button--secondary")
        )
