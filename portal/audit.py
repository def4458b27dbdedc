"""The audit log (SPEC §4.12): sign-ins, failed sign-ins and sign-outs, written to the `portal.audit` logger."""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

audit = logging.getLogger("portal.audit")


def _client(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown") if request is not None else "unknown"


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    audit.info("sign-in user=%s role=%s from=%s", user.username, user.role, _client(request))


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    audit.info("sign-out user=%s from=%s", getattr(user, "username", None), _client(request))


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    audit.warning("sign-in failed username=%s from=%s", credentials.get("username"), _client(request))
