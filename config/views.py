"""The root redirect and each role's home page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .home import home_context


def root(request):
    if request.user.is_authenticated:
        return redirect("portal:home")
    return redirect("portal:sign-in")


@login_required
def home(request):
    return render(request, "portal/home.html", home_context(request.user))
