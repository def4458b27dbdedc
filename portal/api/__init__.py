"""The REST API under /api/v1/ (SPEC §5): the framework every resource shares.

- `urls.py`: the router (every resource registered in one list), me, token sign-in, schema, docs;
- `viewsets.py`: `ScopedViewSet`, the base of every resource: rows from the access policy, writes
  declared per action and refused through it, lookups that answer 404 out of scope;
- `permissions.py`, `errors.py` (one JSON error shape), `pagination.py`, `throttling.py`,
  `fields.py` (LA codes, financial years), `schema.py` (OpenAPI: error responses on every operation).

Resources live with their app (`authorities/api.py`, `programmes/api/`, `steering/api.py`): a
serializer, a FilterSet and a thin viewset each, calling the services for every write.
"""
