"""Back-office views, one module per role."""


def register(admin):
    """Add every role's views to `admin`."""
