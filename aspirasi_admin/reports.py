"""Reports (seed 002's figures), live, with charts and CSV/XLSX export."""


def register(admin):
    """Add the report views to `admin`."""
