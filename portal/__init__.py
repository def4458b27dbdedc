"""The kernel: users and roles, the access policy, money and financial years, history, audit, import
machinery and the API base classes. It imports no app (docs/decisions/0017-layers.md)."""
