"""An authority's page: its register entry, enrolments, contacts and DSG figures."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from ..selectors.authority import authority_detail


@login_required
def authority_detail_view(request, la_code):
    return render(
        request,
        "authorities/detail.html",
        {"authority": authority_detail(user=request.user, la_code=la_code)},
    )
