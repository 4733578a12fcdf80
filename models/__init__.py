"""The domain of Aspirasi: one module per aggregate, plus the rules in lifecycle and access.

`db` lives here rather than in the app wiring so that the domain depends on nothing above it.

Where each rule lives: `lifecycle` (every status change and who may make it), `access` (what
each viewer may see of messages and reporters), `roles` (who holds which role), `vocabulary`
(statuses, status groups, labels, channels, the province's time zone), `contact`, `nik` and
`field_checks` (phone, email and NIK rules and their form validators), `region` (kabupaten/
kota), `sla` (working days and deadlines), `errors` (the refusals every door turns into a
response).

Glossary: the domain keeps the Indonesian words its users say; code structure is English.

- Pesan (`Message`): a citizen's message: an aspirasi (idea, opinion) or an aduan (complaint)
- perihal: the message's subject line
- OPD (`Opd`): Organisasi Perangkat Daerah: an agency (dinas, badan, biro) that acts on messages
- kategori / sub kategori (`Category`, `Subcategory`): the classification the admin sets at
  triage
- tanggapan, balasan (`answer`): the official answer that finishes a message
- teguran (`Reprimand`): a reprimand the evaluator sends to an OPD about a message
- rating: the citizen's 0.5-5 star score of a finished message (`half_stars`)
- NIK: the 16-digit national identity number on the identity card (KTP)
- nomor tracking (`tracking`): the unguessable code a reporter uses to follow a message
- anonim / rahasia: the reporter's name is hidden / the whole message is kept off public lists
- kabupaten/kota: regency/city, the province's second-level regions
- statuses: baru, diteruskan, diproses, selesai, ditutup, dicabut: new, forwarded to an OPD,
  being handled, finished, closed by the admin, withdrawn by the reporter
- warga: citizen; the `user` role
- WITA: Central Indonesian Time (UTC+8), the province's clock
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
from models.notification import Notification, PendingAnnouncement, QueuedMail  # noqa: E402
from models.opd import Opd  # noqa: E402
from models.settings import ApiKey, Holiday, Setting  # noqa: E402
from models.taxonomy import Category, Subcategory, subcategory_monitors  # noqa: E402
from models.timeline import MessageEvent  # noqa: E402
from models.triage import TriageSuggestion  # noqa: E402
from models.user import Role, User, roles_users  # noqa: E402

__all__ = [
    "db", "utcnow", "Role", "User", "roles_users", "Opd", "Category", "Subcategory",
    "subcategory_monitors", "Message", "Attachment", "MessageEvent", "Rating", "Reprimand",
    "ResponseTemplate", "Notification", "PendingAnnouncement", "QueuedMail", "AuditLog",
    "Setting", "ApiKey", "Holiday", "TriageSuggestion",
]
