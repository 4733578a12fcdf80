"""The data version of the back office's cached list pages, under the name
aspirasi_admin/views/messages.py imports it by. Every cache lives in `models.cache`; this
module goes when those pages stop importing it."""
from models.cache import pages_version

__all__ = ["pages_version"]
