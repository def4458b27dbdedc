"""Root URLs."""

from django.contrib import admin
from django.urls import include, path

from authorities.urls import list_patterns as authority_list_patterns
from portal import views as portal_views
from programmes.views.authority import authority_detail_view

from . import views

portal_patterns = [
    path("", views.root, name="root"),
    path("home/", views.home, name="home"),
    path("sign-in/", portal_views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", portal_views.SignOutView.as_view(), name="sign-out"),
    path("healthz", portal_views.healthz, name="healthz"),
]

authority_patterns = [
    *authority_list_patterns,
    path("<str:la_code>/", authority_detail_view, name="detail"),
]

urlpatterns = [
    path("", include((portal_patterns, "portal"))),
    path("authorities/", include((authority_patterns, "authorities"))),
    path("programmes/", include("programmes.urls")),
    path("steering-group/", include("steering.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
]
