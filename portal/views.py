"""Cross-cutting pages: sign-in and sign-out, the per-role home page, and /healthz."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import health
from .forms import SignInForm
from .home import home_context


def root(request):
    if request.user.is_authenticated:
        return redirect("portal:home")
    return redirect("portal:sign-in")


class SignInView(auth_views.LoginView):
    template_name = "portal/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


@login_required
def home(request):
    return render(request, "portal/home.html", home_context(request.user))


@never_cache
@require_GET
def healthz(request):
    database = health.database_state()
    body = {"database": database, "broker": health.broker_state()}
    return JsonResponse(body, status=200 if database == health.OK else 503)
