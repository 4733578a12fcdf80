"""The one kind of error the domain raises when it refuses something.

A `DomainError` carries the sentence to show the user (in their language) and the HTTP status
that answers it. Each door turns it into a response in one place: the portal and the back
office flash it and show the page again; Open311 writes its error array.
"""


class DomainError(Exception):
    """A refusal the user can understand and correct; `str(error)` is the message to show."""

    status_code = 400

    def __init__(self, message, status_code: int | None = None):
        super().__init__(str(message))
        if status_code is not None:
            self.status_code = status_code
