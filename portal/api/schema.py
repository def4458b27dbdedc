"""OpenAPI schema helpers: every operation documents its error responses in the one error shape."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework.permissions import SAFE_METHODS

from .errors import ErrorSerializer, TransitionErrorSerializer

ERROR_DESCRIPTIONS = {
    "400": "The input is not valid, or a rule refused it: `fields` names the inputs at fault.",
    "401": "Not signed in, or the token is not valid (send `Authorization: Token <token>`).",
    "403": "You may see this record but not do this.",
    "404": "No such record within your scope (records outside it answer exactly like absent ones).",
    "409": "The transition is not allowed from the record's current state: see `allowed_transitions`.",
    "415": "The request body must be JSON (Content-Type: application/json).",
    "429": "Too many requests: wait for the number of seconds in the Retry-After header.",
}


def error_response(code: str, serializer=ErrorSerializer) -> OpenApiResponse:
    return OpenApiResponse(response=serializer, description=ERROR_DESCRIPTIONS[code])


class PortalAutoSchema(AutoSchema):
    """Adds the error responses each operation can give, unless the view documents them itself."""

    def _error_codes(self) -> list[str]:
        view = self.view
        action = getattr(view, "action", None)
        write = self.method not in SAFE_METHODS
        has_body = self.method in ("POST", "PUT", "PATCH")
        has_path_parameters = "{" in self.path
        codes = ["401", "429"]
        if write:
            codes.append("403")
        if has_body:
            codes += ["400", "415"]
        elif self._is_list_view():
            codes += ["400"]  # filters and pagination
        if has_path_parameters or (not write and self._is_list_view()):
            codes.append("404")  # no such record; or no such page
        if action in getattr(view, "transition_actions", ()):
            codes.append("409")
        return sorted(set(codes))

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code in responses:
                continue
            serializer = TransitionErrorSerializer if code == "409" else ErrorSerializer
            responses[code] = self._get_response_for_code(
                error_response(code, serializer), code, direction=direction
            )
        return dict(sorted(responses.items()))
