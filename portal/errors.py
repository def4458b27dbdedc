"""Domain errors: what was refused and why, in words a user can act on.

Pages show them in an error summary; the API answers 400, or 409 for a state transition that is
not allowed from the current state (with the allowed ones).
"""


class DomainError(Exception):
    """A rule refused the change. `field` names the input at fault, where there is one."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class TransitionNotAllowed(DomainError):
    def __init__(self, message: str, *, allowed: list[str]):
        super().__init__(message)
        self.allowed = allowed
