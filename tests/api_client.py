"""API test clients: signed in with a token, as the API's own callers are, as a user a test made."""

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from portal.models import User


def api_client_for(user: User) -> APIClient:
    token, _ = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def error_of(response, status: int | None = None) -> dict:
    """The error body of a response, checked to be the API's one error shape."""
    if status is not None:
        assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}, body
    assert {"code", "message", "fields"} <= set(body["error"]), body
    return body["error"]
