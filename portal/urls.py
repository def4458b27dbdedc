"""Root URLs."""

from django.contrib import admin
from django.urls import include, path

from . import views

portal_patterns = [
    path("", views.root, name="root"),
    path("home/", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("healthz", views.healthz, name="healthz"),
]

urlpatterns = [
    path("", include((portal_patterns, "portal"))),
    path("authorities/", include("authorities.urls")),
    path("programmes/", include("programmes.urls")),
    path("steering-group/", include("steering.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("portal.api.urls")),
]
