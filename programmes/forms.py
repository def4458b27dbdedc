"""Forms of the programme pages, in GOV.UK style (crispy-forms-gds)."""

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from authorities.models import FigureSource, LocalAuthority
from portal.financial_year import FinancialYearFormField
from portal.roles import DeliveryPartner

from .models import Cohort, ProgrammeCode, StageStatus


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
        help_text="How many of the highest-ranked authorities to propose for Safety Valve.",
        # GOV.UK asks for a text input that brings up the numeric keypad, not type="number".
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the number of Safety Valve places",
            "invalid": "Enter the number of Safety Valve places as a whole number, like 20",
            "min_value": "The number of Safety Valve places must be 0 or more",
        },
    )
    source = forms.ChoiceField(
        label="Figures to use",
        choices=[("", "Published first, then LA returns, then demo")] + list(FigureSource.choices),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("reference_year", field_width=5),
            Field.text("sv_places", field_width=3),
            Field.select("source"),
            Button("submit", "Run the proposal"),
        )


class TieringApprovalForm(forms.Form):
    sv_cohort = forms.ModelChoiceField(
        queryset=Cohort.objects.none(), label="Invite the Safety Valve authorities into"
    )
    dbv_cohort = forms.ModelChoiceField(
        queryset=Cohort.objects.none(), label="Invite the DBV authorities into"
    )
    esfa_cohort = forms.ModelChoiceField(
        queryset=Cohort.objects.none(), label="Invite the ESFA authorities into"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cohorts = Cohort.objects.select_related("programme")
        for name, code in (
            ("sv_cohort", ProgrammeCode.SAFETY_VALVE),
            ("dbv_cohort", ProgrammeCode.DBV),
            ("esfa_cohort", ProgrammeCode.ESFA),
        ):
            self.fields[name].queryset = cohorts.filter(programme__code=code)
            self.fields[name].error_messages["required"] = (
                f"Choose the cohort to {self.fields[name].label.lower()}"
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.select("sv_cohort"),
            Field.select("dbv_cohort"),
            Field.select("esfa_cohort"),
            Button("submit", "Approve and send the invitations"),
        )


class DiagnosticStageForm(forms.Form):
    """Log one Diagnostic stage: its status, planned and actual dates (GOV.UK date inputs) and notes."""

    status = forms.ChoiceField(
        label="Status",
        choices=StageStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the stage's status"},
    )
    planned_date = DateInputField(
        label="Planned date",
        required=False,
        require_all_fields=False,
        help_text="When the stage is planned to be done. For example, 27 3 2023. Leave blank if not planned.",
    )
    actual_date = DateInputField(
        label="Actual date",
        required=False,
        require_all_fields=False,
        help_text="When the stage was completed. Needed for a complete stage; it cannot be in the future.",
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, what in (("planned_date", "planned date"), ("actual_date", "actual date")):
            field = self.fields[name]
            field.error_messages["incomplete"] = f"The {what} must include a day, month and year"
            day, month, year = field.fields
            day.error_messages["incomplete"] = f"The {what} must include a day"
            month.error_messages["incomplete"] = f"The {what} must include a month"
            year.error_messages["incomplete"] = f"The {what} must include a year"
            day.validators[0].message = f"The {what}'s day must be a number, like 27"
            month.validators[0].message = f"The {what}'s month must be a number, like 3"
            year.validators[0].message = f"The {what}'s year must be a number, like 2023"
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
