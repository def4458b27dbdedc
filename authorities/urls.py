"""The authority pages, under the `authorities` namespace.

The detail page shows programme enrolments, so its view lives in programmes; config/urls.py joins
both under /authorities/ (docs/decisions/0017-layers.md).
"""

from django.urls import path

from . import views

list_patterns = [
    path("", views.authority_list_view, name="list"),
]
