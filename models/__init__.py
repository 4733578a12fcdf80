"""The domain of Aspirasi: one module per aggregate, plus the rules in lifecycle and access.

`db` lives here rather than in the app wiring so that the domain depends on nothing above it.
"""
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
db = SQLAlchemy(metadata=MetaData(naming_convention=naming_convention))

from models.audit import AuditLog  # noqa: E402
from models.base import utcnow  # noqa: E402
from models.feedback import Rating, Reprimand, ResponseTemplate  # noqa: E402
from models.message import Attachment, Message  # noqa: E402
from models.notification import Notification, QueuedMail  # noqa: E402
from models.opd import Opd  # noqa: E402
from models.settings import ApiKey, Holiday, Setting  # noqa: E402
from models.taxonomy import Category, Subcategory, subcategory_monitors  # noqa: E402
from models.timeline import MessageEvent  # noqa: E402
from models.user import Role, User, roles_users  # noqa: E402

__all__ = [
    "db", "utcnow", "Role", "User", "roles_users", "Opd", "Category", "Subcategory",
    "subcategory_monitors", "Message", "Attachment", "MessageEvent", "Rating", "Reprimand",
    "ResponseTemplate", "Notification", "QueuedMail", "AuditLog", "Setting", "ApiKey", "Holiday",
]
