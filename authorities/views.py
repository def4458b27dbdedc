"""Pages of the register of authorities."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .models import Region
from .selectors import authority_list


@login_required
def authority_list_view(request):
    search = request.GET.get("q", "").strip()
    region = request.GET.get("region", "")
    include_ended = request.GET.get("include_ended") == "yes"
    on = _date_or_none(request.GET.get("on", ""))
    authorities = authority_list(
        user=request.user,
        search=search,
        region=region,
        operating_on=on or (None if include_ended else date.today()),
    )
    return render(
        request,
        "authorities/list.html",
        {
            "authorities": authorities,
            "regions": Region.objects.all(),
            "search": search,
            "region": region,
            "include_ended": include_ended,
            "on": on,
            "on_error": request.GET.get("on") and not on,
        },
    )


def _date_or_none(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None
