"""The deadlines page's filters and the deadline extension question page's form, in GOV.UK style
(crispy-forms-gds)."""

from datetime import date, timedelta

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size
from django import forms
from django.db.models import Q, QuerySet

from authorities.models import LocalAuthority
from portal import access
from portal.forms import DayMonthYearField

from .models import DeadlineKind
from .selectors import UPCOMING_DAYS


def _unknown(what: str) -> dict:
    return {"invalid_choice": f"Choose {what} from the list: “%(value)s” is not one"}


class DeadlineFilterForm(forms.Form):
    """The deadlines page's filters, read from the query string (GET). A value the form does not know
    is an error shown on the page, never a filter silently left out. Blank means the default."""

    MINE, ALL = "mine", "all"
    OVERDUE, SOON, OPEN = "overdue", "soon", "open"

    whose = forms.ChoiceField(
        label="Whose",
        required=False,
        choices=[(MINE, "Mine: the ones I must act on"), (ALL, "All I can see")],
        widget=forms.RadioSelect,
        error_messages=_unknown("whose deadlines to show"),
    )
    when = forms.ChoiceField(
        label="When",
        required=False,
        choices=[
            (OPEN, "All open"),
            (OVERDUE, "Overdue"),
            (SOON, f"Due in the next {UPCOMING_DAYS} days"),
        ],
        widget=forms.RadioSelect,
        error_messages=_unknown("when they are due"),
    )
    programme = forms.ChoiceField(label="Programme", required=False, error_messages=_unknown("a programme"))
    authority = forms.CharField(
        label="Authority",
        required=False,
        max_length=100,
        help_text="LA code or name, for example 207 or Dorset",
    )
    kind = forms.ChoiceField(
        label="Kind",
        required=False,
        choices=[("", "All kinds"), *DeadlineKind.choices],
        error_messages=_unknown("a kind of deadline"),
    )

    def __init__(self, *args, user, programme_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["programme"].choices = [("", "All programmes"), *programme_choices]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("whose", legend_size=Size.SMALL, small=True),
            Field.radios("when", legend_size=Size.SMALL, small=True),
            Fieldset(
                Field.select("programme"),
                Field.text("authority", field_width=20),
                Field.select("kind"),
                legend="What",
                legend_size=Size.SMALL,
            ),
            Button("search", "Apply filters", css_class="govuk-button--secondary"),
        )

    def clean_whose(self) -> str:
        return self.cleaned_data["whose"] or self.MINE

    def clean_when(self) -> str:
        return self.cleaned_data["when"] or self.OPEN

    def clean_authority(self) -> Q | None:
        """The authorities the text names that the user may see; an error when it names none."""
        text = self.cleaned_data["authority"].strip()
        if not text:
            return None
        named = Q(la_code=text) | Q(name__icontains=text)
        if not access.visible(self.user, LocalAuthority.objects.filter(named)).exists():
            raise forms.ValidationError(f"No authority you can see has the LA code or name “{text}”")
        return Q(authority__la_code=text) | Q(authority__name__icontains=text)

    def filter(self, deadlines: QuerySet, *, today: date, in_programme) -> QuerySet:
        """`deadlines` (all the user may see) narrowed by the valid filters; `in_programme(code)` is the
        condition for a programme's deadlines (config/deadline_links.py knows the sources)."""
        data = self.cleaned_data
        when = data["when"]
        deadlines = deadlines.open()
        if when == self.OVERDUE:
            deadlines = deadlines.overdue(today)
        elif when == self.SOON:
            deadlines = deadlines.upcoming(today).filter(due_on__lte=today + timedelta(days=UPCOMING_DAYS))
        if data["programme"]:
            deadlines = deadlines.filter(in_programme(data["programme"]))
        if data["authority"] is not None:
            deadlines = deadlines.filter(data["authority"])
        if data["kind"]:
            deadlines = deadlines.filter(kind=data["kind"])
        if data["whose"] == self.MINE:
            deadlines = access.deadlines_to_act_on(self.user, deadlines)
        return deadlines.order_by("due_on", "pk")


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
