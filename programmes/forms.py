"""Forms of the programme pages, in GOV.UK style (crispy-forms-gds)."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size
from django import forms
from django.utils import timezone

from authorities.models import LocalAuthority
from portal.financial_year import FinancialYearFormField
from portal.forms import DayMonthYearField
from portal.roles import DeliveryPartner

from .models import Cohort, EngagementKind, FeedbackRating, StageStatus
from .models.tiering import FIGURE_SOURCE_NAMES
from .services.tiering import DEFAULT_SOURCES, DEFAULT_SV_PLACES, SOURCE_PREFERENCE


class TieringProposalForm(forms.Form):
    reference_year = FinancialYearFormField(
        label="Reference year",
        initial="2020-21",
        help_text="The financial year whose DSG figures rank the authorities, like 2020-21.",
        error_messages={"required": "Enter the reference year, like 2020-21"},
    )
    sv_places = forms.IntegerField(
        label="Safety Valve places",
        min_value=0,
        initial=DEFAULT_SV_PLACES,
        help_text=(
            f"How many of the highest-ranked authorities to propose for Safety Valve. Leave as "
            f"{DEFAULT_SV_PLACES} to stand in for the authorities DfE had already invited to Safety Valve, "
            "which the portal does not record: on the published 2020-21 figures it gives the closest "
            "match to the 55 DBV authorities DfE chose."
        ),
        # GOV.UK asks for a text input that brings up the numeric keypad, not type="number".
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the number of Safety Valve places",
            "invalid": "Enter the number of Safety Valve places as a whole number, like 20",
            "min_value": "The number of Safety Valve places must be 0 or more",
        },
    )
    sources = forms.MultipleChoiceField(
        label="Figures to use",
        choices=[(source, FIGURE_SOURCE_NAMES[source]) for source in SOURCE_PREFERENCE],
        initial=list(DEFAULT_SOURCES),
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "DfE's published figures only, unless you add LA returns or demo figures. Where an authority "
            "has figures from more than one source, published come first, then LA returns, then demo."
        ),
        error_messages={"required": "Select at least one source of figures"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("reference_year", field_width=5),
            Field.text("sv_places", field_width=3),
            Field.checkboxes("sources", legend_size=Size.SMALL, small=True),
            Button("submit", "Run the proposal"),
        )


class TieringApprovalForm(forms.Form):
    """Approving a proposal asks nothing more: the button, after the page's warning."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Button("submit", "Approve the proposal"))


class DiagnosticStageForm(forms.Form):
    """Log one Diagnostic stage: its status, planned and actual dates (GOV.UK date inputs) and notes."""

    status = forms.ChoiceField(
        label="Status",
        choices=StageStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the stage's status"},
    )
    planned_date = DayMonthYearField(
        what="planned date",
        label="Planned date",
        required=False,
        help_text="When the stage is planned to be done. For example, 27 3 2023. Leave blank if not planned.",
    )
    actual_date = DayMonthYearField(
        what="actual date",
        label="Actual date",
        required=False,
        help_text="When the stage was completed. Needed for a complete stage; it cannot be in the future.",
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("status", legend_size=Size.MEDIUM),
            Field("planned_date", context={"legend_size": Size.for_legend(Size.MEDIUM)}),
            Field("actual_date", context={"legend_size": Size.for_legend(Size.MEDIUM)}),
            Field.textarea("notes", label_size=Size.MEDIUM),
            Button("submit", "Save stage"),
        )


# --- Enrolment: the question pages of each transition and of an invitation ---------------------


class EnrolmentReasonForm(forms.Form):
    """The question page of an enrolment transition: the reason, required where the service needs one."""

    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False)

    def __init__(self, *args, verb: str, needs_reason: bool, **kwargs):
        super().__init__(*args, **kwargs)
        reason = self.fields["reason"]
        reason.required = needs_reason
        reason.label = f"Why {verb} this enrolment?" if needs_reason else "Note (optional)"
        reason.help_text = (
            "This is kept with the change of status and shown on the enrolment's timeline."
            if needs_reason
            else "Anything worth keeping with the change of status, like the date of the letter."
        )
        reason.error_messages["required"] = f"Enter the reason to {verb} this enrolment"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.textarea("reason", label_size=Size.MEDIUM), Button("submit", "Continue")
        )


class EnrolmentReplaceForm(forms.Form):
    """The question page of a replacement: the authority taking the place, and why."""

    authority = forms.ModelChoiceField(
        queryset=LocalAuthority.objects.none(),
        to_field_name="la_code",
        label="Which authority takes the place?",
        help_text="It joins the same cohort, with the same delivery partners.",
        empty_label="Choose an authority",
        error_messages={
            "required": "Choose the authority that takes the place",
            "invalid_choice": "Choose an authority from the list",
        },
    )
    reason = forms.CharField(
        label="Why is it replaced?",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the reason to replace this enrolment"},
    )

    def __init__(self, *args, authorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = authorities
        self.fields["authority"].label_from_instance = lambda la: f"{la.name} ({la.la_code})"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.select("authority", label_size=Size.MEDIUM),
            Field.textarea("reason", label_size=Size.MEDIUM),
            Button("submit", "Continue"),
        )


class EnrolmentInviteForm(forms.Form):
    """The question page of an invitation of one authority: the cohort, its delivery partners and a note."""

    cohort = forms.ModelChoiceField(
        queryset=Cohort.objects.none(),
        label="Which cohort is the authority invited into?",
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose the cohort to invite the authority into"},
    )
    partners = forms.MultipleChoiceField(
        label="Delivery partners (DBV only)",
        help_text="The partners who work with the authority in DBV and see its records. Leave blank otherwise.",
        choices=DeliveryPartner.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    reason = forms.CharField(
        label="Note (optional)", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = Cohort.objects.select_related("programme")
        self.fields["cohort"].label_from_instance = lambda cohort: f"{cohort.programme.name}, {cohort.name}"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("cohort", legend_size=Size.MEDIUM),
            Field.checkboxes("partners", legend_size=Size.MEDIUM),
            Field.textarea("reason", label_size=Size.MEDIUM),
            Button("submit", "Continue"),
        )


class BulkInviteForm(EnrolmentInviteForm):
    """The question page of inviting several authorities into one cohort: which of those selected, the
    cohort, the delivery partners and a note kept with every invitation."""

    authorities = forms.ModelMultipleChoiceField(
        queryset=LocalAuthority.objects.none(),
        to_field_name="la_code",
        label="Which authorities are invited?",
        help_text="Untick any you do not want to invite.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one authority to invite",
            "invalid_choice": "Select the authorities from those listed",
        },
    )

    def __init__(self, *args, offered, cohorts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authorities"].queryset = offered
        self.fields["authorities"].label_from_instance = lambda la: f"{la.name} ({la.la_code})"
        cohort = self.fields["cohort"]
        if cohorts is not None:
            cohort.queryset = cohorts
        cohort.label = "Which cohort are the authorities invited into?"
        cohort.error_messages["required"] = "Choose the cohort to invite the authorities into"
        self.fields[
            "partners"
        ].help_text = (
            "The partners who work with the authorities in DBV and see their records. Leave blank otherwise."
        )
        self.fields["reason"].help_text = "Kept with every invitation."
        self.helper.layout = Layout(
            Field.checkboxes("authorities", legend_size=Size.MEDIUM, small=True),
            Field.radios("cohort", legend_size=Size.MEDIUM),
            Field.checkboxes("partners", legend_size=Size.MEDIUM),
            Field.textarea("reason", label_size=Size.MEDIUM),
            Button("submit", "Continue"),
        )


# --- DBV Diagnostic: logging a stakeholder engagement and a training session -------------------


def _held_on_field() -> DayMonthYearField:
    return DayMonthYearField(
        what="date it was held",
        label="When was it held?",
        help_text="For example, 27 3 2023. It cannot be in the future.",
    )


def _not_in_future(form: forms.Form, name: str) -> None:
    """The service's rule, checked before the check-your-answers page so it is not the last to tell."""
    held_on = form.cleaned_data.get(name)
    if held_on is not None and held_on > timezone.localdate():
        form.add_error(
            name, f"The date it was held cannot be in the future ({held_on:%-d %B %Y} is after today)"
        )


class EngagementForm(forms.Form):
    """Log a stakeholder engagement of a Diagnostic: which stakeholders, when, and notes."""

    kind = forms.ChoiceField(
        label="Who was engaged?",
        choices=EngagementKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who was engaged", "invalid_choice": "Select who was engaged"},
    )
    held_on = _held_on_field()
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        help_text="What was discussed or agreed, and who took part.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("kind", legend_size=Size.MEDIUM),
            Field("held_on", context={"legend_size": Size.for_legend(Size.MEDIUM)}),
            Field.textarea("notes", label_size=Size.MEDIUM),
            Button("submit", "Continue"),
        )

    def clean(self):
        cleaned = super().clean()
        _not_in_future(self, "held_on")
        return cleaned


def _count_field(label: str) -> forms.IntegerField:
    what = f"number of delegates who rated it {label.lower()}"
    return forms.IntegerField(
        label=label,
        min_value=0,
        initial=0,
        # GOV.UK asks for a text input that brings up the numeric keypad, not type="number".
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": f"Enter the {what}, or 0",
            "invalid": f"Enter the {what} as a whole number, like 12",
            "min_value": f"The {what} must be 0 or more",
        },
    )


class TrainingSessionForm(forms.Form):
    """Log a training session of a Diagnostic: the module, when, and how many delegates gave each rating."""

    module = forms.TypedChoiceField(
        label="Which training module?",
        choices=[(1, "Module 1"), (2, "Module 2"), (3, "Module 3")],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the training module",
            "invalid_choice": "Select the training module",
        },
    )
    held_on = _held_on_field()
    exceptional = _count_field(FeedbackRating.EXCEPTIONAL.label)
    very_good = _count_field(FeedbackRating.VERY_GOOD.label)
    good = _count_field(FeedbackRating.GOOD.label)
    fair = _count_field(FeedbackRating.FAIR.label)
    poor = _count_field(FeedbackRating.POOR.label)

    RATINGS = tuple(FeedbackRating.values)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("module", legend_size=Size.MEDIUM),
            Field("held_on", context={"legend_size": Size.for_legend(Size.MEDIUM)}),
            Fieldset(
                *(Field.text(rating, field_width=4) for rating in self.RATINGS),
                legend="Delegate feedback: how many delegates gave each rating?",
                legend_size=Size.MEDIUM,
            ),
            Button("submit", "Continue"),
        )

    def clean(self):
        cleaned = super().clean()
        _not_in_future(self, "held_on")
        counts = [cleaned.get(rating) for rating in self.RATINGS]
        if all(count is not None for count in counts) and sum(counts) == 0:
            # On the first count, so the error summary links to the counts (the service's own refusal names none).
            self.add_error(
                self.RATINGS[0],
                "Enter the number of delegates who gave each rating: at least one response is needed",
            )
        return cleaned

    def counts(self) -> dict[str, int]:
        return {rating: self.cleaned_data[rating] for rating in self.RATINGS}
