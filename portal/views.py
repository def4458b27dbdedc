"""Sign-in and sign-out, and /healthz."""

from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import health
from .forms import SignInForm


class SignInView(auth_views.LoginView):
    template_name = "portal/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


@never_cache
@require_GET
def healthz(request):
    database = health.database_state()
    body = {"database": database, "broker": health.broker_state()}
    return JsonResponse(body, status=200 if database == health.OK else 503)
