"""When the triage model is trained without anyone asking: by the background worker and by
`seed-demo`.

A model is trained once the admins have made enough decisions (`MIN_DECISIONS`), and again
whenever their number has grown by `TRIAGE_RETRAIN_GROWTH` (a share) since the model was
trained: suggestions follow the installation's routing as it changes, and a quiet
installation does not fit the same model again and again. `flask triage-train` trains at
once, whatever the count. Without the `triage` extra nothing is trained and nothing fails.
"""
from flask import current_app

from models import Message, db
from models import triage_learning as learning
from services import triage_store


def decision_count() -> int:
    return db.session.scalar(
        db.select(db.func.count()).select_from(Message).where(learning.decision_clause()))


def train_and_save(limit: int = learning.TRAINING_LIMIT) -> dict:
    """Fit a model on the newest `limit` decisions and write its file; returns the model,
    which also records how many decisions existed then (`decisions`).

    Raises learning.NotEnoughHistory with too little history (no file is written)."""
    existing = decision_count()
    model = learning.train(learning.past_decisions(limit))
    model["decisions"] = existing
    triage_store.save(model)
    return model


def retrain_threshold(model: dict | None) -> int:
    """The number of decisions at which the next model is due."""
    if model is None:
        return learning.MIN_DECISIONS
    trained_on = model.get("decisions", model["count"])
    growth = current_app.config["TRIAGE_RETRAIN_GROWTH"]
    return max(learning.MIN_DECISIONS, int(trained_on * (1 + growth)) + 1)


def train_when_due() -> int:
    """Train and save a model when it is due (see the module); returns the number of
    decisions it learned from, 0 when none was due or could be learned."""
    if not learning.available():
        return 0
    due = decision_count() >= retrain_threshold(triage_store.current_model())
    db.session.commit()  # the count's transaction ends before a fit that may take a while
    if not due:
        return 0
    try:
        return train_and_save()["count"]
    except learning.NotEnoughHistory:
        return 0
