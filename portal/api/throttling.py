"""Throttling per user and for anonymous callers, the rates from the environment (settings.py).

DRF's own classes read the rates once, at import; these read them on every request, so a change
of settings (or a test overriding them) takes effect. Counts live in Django's default cache: give
production a shared cache (Redis) so every web process counts together.
"""

from rest_framework import throttling
from rest_framework.settings import api_settings


class _RatesFromSettings:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(_RatesFromSettings, throttling.AnonRateThrottle):
    """Callers not signed in, counted by IP address: rate `anon`."""


class UserThrottle(_RatesFromSettings, throttling.UserRateThrottle):
    """Signed-in callers, counted per user: rate `user`."""


class TokenObtainThrottle(_RatesFromSettings, throttling.SimpleRateThrottle):
    """Attempts to obtain a token, counted by IP address whoever is signed in: rate `token`."""

    scope = "token"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
