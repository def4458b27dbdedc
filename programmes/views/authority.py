"""The authority pages: the list with its filters, and one authority's page (register entry, programme
history, agreement or Diagnostic, grants, DSG position as the trajectory chart, deadlines and contacts).

The list lives here, not in authorities, because it filters by programme, tranche and enrolment status
(docs/decisions/0017-layers.md); config/urls.py names it `authorities:list`.
"""

from datetime import date

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from authorities.models import AuthorityType, Region
from portal import access
from portal.access import Permission

from ..models import Cohort, EnrolmentStatus, Programme
from ..selectors.authority import (
    authority_detail,
    authority_dsg_position,
    authority_filtered_list,
    authority_programme_records,
)
from ..selectors.trajectory import authority_trajectory
from ..trajectory_chart import trajectory_figure

AUTHORITIES_A_PAGE = 50


def _unknown(what: str) -> dict:
    return {"invalid_choice": f"Choose a {what} from the list: “%(value)s” is not one"}


class AuthorityFilterForm(forms.Form):
    """The list's filters, read from the query string. A value the form does not know is an error
    shown on the page, never a filter silently left out."""

    q = forms.CharField(
        label="Name or code", required=False, help_text="For example Newham, 316 or E09000025"
    )
    region = forms.ChoiceField(label="Region", required=False, error_messages=_unknown("region"))
    type = forms.ChoiceField(
        label="Type",
        required=False,
        choices=[("", "All types"), *AuthorityType.choices],
        error_messages=_unknown("type of authority"),
    )
    programme = forms.ChoiceField(label="Programme", required=False, error_messages=_unknown("programme"))
    tranche = forms.TypedChoiceField(
        label="DBV tranche", required=False, coerce=int, empty_value=None, error_messages=_unknown("tranche")
    )
    status = forms.ChoiceField(
        label="Enrolment status",
        required=False,
        choices=[("", "Any status"), *EnrolmentStatus.choices],
        error_messages=_unknown("status"),
    )
    on = forms.CharField(
        label="Operating on",
        required=False,
        help_text="A date written like 2022-10-01; leave blank for today",
    )
    include_ended = forms.BooleanField(label="Include authorities that no longer operate", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "All regions")] + [
            (region.gss_code, region.name) for region in Region.objects.all()
        ]
        self.fields["programme"].choices = [("", "All programmes")] + [
            (programme.code, programme.name) for programme in Programme.objects.all()
        ]
        tranches = Cohort.objects.filter(tranche__isnull=False).values_list("tranche", flat=True)
        self.fields["tranche"].choices = [("", "All tranches")] + [
            (str(number), f"Tranche {number}") for number in sorted(set(tranches))
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                Field.text("q", field_width=20),
                Field.select("region"),
                Field.select("type"),
                legend="Authority",
                legend_size=Size.SMALL,
            ),
            Fieldset(
                Field.select("programme"),
                Field.select("tranche"),
                Field.select("status"),
                legend="Enrolment",
                legend_size=Size.SMALL,
            ),
            Fieldset(
                Field.text("on", field_width=10),
                Field.checkbox("include_ended", small=True),
                legend="When",
                legend_size=Size.SMALL,
            ),
            Button("search", "Apply filters", css_class="govuk-button--secondary"),
        )

    def clean_on(self) -> date | None:
        text = self.cleaned_data["on"].strip()
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise forms.ValidationError("Enter the date like 2022-10-01") from None


@login_required
@require_GET
def authority_list_view(request):
    # An LA finance lead's list is their own authority; the register to browse is DfE's and partners'.
    if not request.user.authority_id:
        access.require(request.user, Permission.BROWSE_AUTHORITIES)
    form = AuthorityFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else None
    page = None
    if filters is not None or not request.GET:
        filters = filters or {}
        on = filters.get("on")
        authorities = authority_filtered_list(
            user=request.user,
            search=filters.get("q", "").strip(),
            region=filters.get("region", ""),
            la_type=filters.get("type", ""),
            programme=filters.get("programme", ""),
            tranche=filters.get("tranche"),
            status=filters.get("status", ""),
            operating_on=on or (None if filters.get("include_ended") else timezone.localdate()),
        )
        page = Paginator(authorities, AUTHORITIES_A_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "authorities/list.html",
        {
            "form": form,
            "page": page,
            "page_links": page.paginator.get_elided_page_range(page.number) if page else [],
            "query": query.urlencode(),
            "on": (filters or {}).get("on"),
            "include_ended": (filters or {}).get("include_ended"),
            # DfE officials select authorities on the list to invite them (programmes:invite-many).
            "can_invite": access.can(request.user, Permission.MANAGE_ENROLMENT),
        },
        status=400 if form.errors else 200,
    )


@login_required
def authority_detail_view(request, la_code):
    authority = authority_detail(user=request.user, la_code=la_code)
    today = timezone.localdate()
    dsg = authority_dsg_position(user=request.user, authority=authority, page=request.GET.get("dsg_page", 1))
    return render(
        request,
        "authorities/detail.html",
        {
            "authority": authority,
            "records": authority_programme_records(user=request.user, authority=authority),
            "dsg": dsg,
            "trajectory": trajectory_figure(
                authority_trajectory(user=request.user, authority=authority), chart_id="trajectory-chart"
            ),
            "deadlines": [(deadline, deadline.is_overdue(today)) for deadline in authority.open_deadlines],
            "can_extend_deadlines": access.can(request.user, Permission.EXTEND_DEADLINE),
        },
    )
