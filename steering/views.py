"""Pages of the Sector Steering Group."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .selectors import steering_group


@login_required
def group_view(request):
    return render(request, "steering/group.html", {"group": steering_group(user=request.user)})
