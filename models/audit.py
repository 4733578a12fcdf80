"""The audit log: every staff action, who, what, when and from where."""
from models import db
from models.base import utcnow


class AuditLog(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    username = db.Column(db.String(255))
    ip = db.Column(db.String(64))
    action = db.Column(db.String(40), nullable=False)
    object_type = db.Column(db.String(40))
    object_id = db.Column(db.String(40))
    detail = db.Column(db.Text)

    user = db.relationship("User")


def record(action: str, obj=None, detail: str | None = None, user=None, ip: str | None = None):
    """Add an audit row to the session; the caller's commit makes it durable with the action."""
    from flask import has_request_context, request
    from flask_login import current_user

    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user._get_current_object()
    if ip is None and has_request_context():
        # remote_addr, not a header anyone can forge; behind a proxy, ProxyFix sets it
        # (PROXY_FIX_HOPS in the configuration).
        ip = request.remote_addr
    row = AuditLog(
        user_id=user.id if user else None,
        username=str(user) if user else None,
        ip=ip,
        action=action,
        object_type=type(obj).__name__ if obj is not None else None,
        object_id=str(getattr(obj, "tracking", None) or getattr(obj, "id", "")) if obj is not None else None,
        detail=detail,
    )
    db.session.add(row)
    return row
