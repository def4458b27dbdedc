"""The REST API under /api/v1/ (SPEC §5): the framework every resource shares.

- `urls.py`: the router (every resource registered in one list), me, token sign-in, schema, docs;
- `viewsets.py`: `ScopedViewSet`, the base of every resource: rows from the app's selectors
  (`list_selector`, `detail_selector`), writes declared per action and refused through the policy,
  `write()` (input serializer -> service -> the record re-read), lookups that answer 404 out of scope;
- `permissions.py`, `errors.py` (one JSON error shape), `pagination.py`, `throttling.py`,
  `fields.py` (LA codes, financial years), `schema.py` (OpenAPI: `resource_schema` and `operation`
  document each resource; error responses on every operation).

Resources live with their app (`authorities/api.py`, `programmes/api/`, `steering/api.py`): a
serializer, a FilterSet and a thin viewset each, reading through the selectors and calling the
services for every write (docs/decisions/0020-one-read-path.md).
"""
