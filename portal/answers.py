"""A question page's answers, kept in the session until its check-your-answers page runs the service.

The question page keeps what was posted (`keep`); the check page reads it back as the same form data
(`kept`) and, once the service has written, forgets it (`forget`). Each flow names its own `key`
(e.g. "vary:12"), so flows in different tabs do not share answers.
"""

from __future__ import annotations

from django.http import QueryDict

SESSION_KEY = "question_answers"


def keep(request, key: str, post: QueryDict) -> None:
    answers = {name: post.getlist(name) for name in post if name != "csrfmiddlewaretoken"}
    request.session[SESSION_KEY] = {**request.session.get(SESSION_KEY, {}), key: answers}


def kept(request, key: str) -> QueryDict | None:
    """The answers kept under `key`, as the form data they were posted as; None if there are none."""
    answers = request.session.get(SESSION_KEY, {}).get(key)
    if answers is None:
        return None
    query = QueryDict(mutable=True)
    for name, values in answers.items():
        query.setlist(name, values)
    return query


def forget(request, key: str) -> None:
    request.session[SESSION_KEY] = {k: v for k, v in request.session.get(SESSION_KEY, {}).items() if k != key}
