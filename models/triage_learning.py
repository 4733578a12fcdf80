"""Learning triage suggestions and making them: category, sub category and OPD guessed from a
message's own words, learned from this installation's past triage decisions. The record of
what the admin did with a suggestion is models/triage.py.

A decision is a message an admin classified (forwarded it, or answered it as informasi): its
perihal, body and kabupaten/kota are the features, its category, sub category and OPD the
three labels. Nothing leaves the installation and nothing is downloaded: the model is fitted
here, on these rows only (TF-IDF of the words and of the subject's character n-grams, then
one multinomial logistic regression per label, whose probabilities are the confidences).

A label is learned only when there is enough history: at least `MIN_DECISIONS` decisions, and
per class at least `MIN_PER_CLASS` examples (rarer classes are left out; a label with fewer
than two classes left is not learned). The admin always chooses: a suggestion fills nothing by
itself, and its confidence is shown beside it, marked low under `LOW_CONFIDENCE`. A message
none of whose words appeared in any decision gets no suggestion at all: the model would only
be guessing.

scikit-learn (with numpy and scipy: the `triage` extra of pyproject.toml) is imported only
when a model is fitted or used, never when this module is imported: a server installed
without the extra starts and runs, and `available()` tells the pages and the command that
suggestions cannot be made there.
"""
import hashlib
import importlib.util
import warnings
from dataclasses import dataclass, field
from datetime import datetime

from models import db
from models.base import utcnow
from models.message import Message
from models.triage import FIELDS
from models.vocabulary import WITHDRAWN

MIN_DECISIONS = 30
MIN_PER_CLASS = 2
LOW_CONFIDENCE = 0.6
# The newest decisions are the ones that describe today's routing; a year or two of a large
# province is well within this.
TRAINING_LIMIT = 200_000
MODEL_FORMAT = 1


def available() -> bool:
    """Whether scikit-learn is installed here. Looked up, not imported: a web worker that
    never fits or uses a model does not load it."""
    return importlib.util.find_spec("sklearn") is not None


# --- the features -------------------------------------------------------------------------------

def message_texts(perihal, body, kabupaten=None) -> tuple[str, str]:
    """What a model reads of a message: the subject with the place, and the whole text (the
    subject twice: it is the message's own summary)."""
    subject = " ".join(part for part in (perihal, kabupaten) if part)
    return subject, " ".join(part for part in (perihal, perihal, body, kabupaten) if part)


def feature_table(texts):
    """The (subject, whole text) pairs as the two-column table the vectorizer reads."""
    import numpy

    table = numpy.empty((len(texts), 2), dtype=object)
    for row, pair in enumerate(texts):
        table[row] = pair
    return table


@dataclass(frozen=True)
class Decision:
    texts: tuple  # (subject, whole text): see message_texts
    category_id: int | None
    subcategory_id: int | None
    opd_id: int | None

    def label(self, name):
        return getattr(self, f"{name}_id")


def decision_clause():
    """Messages an admin has classified: triaged, with a category set (only staff set one).

    Left out: a message back in `baru` (an OPD returned it as misrouted: its classification
    is in doubt until the admin triages it again) and a withdrawn one (its reporter took it
    back; it is kept for audit only)."""
    return db.and_(Message.triaged_at.isnot(None), Message.category_id.isnot(None),
                   Message.status.notin_(("baru", WITHDRAWN)))


def past_decisions(limit: int = TRAINING_LIMIT) -> list[Decision]:
    """The newest `limit` decisions, read as plain columns."""
    rows = db.session.execute(
        db.select(Message.perihal, Message.body, Message.kabupaten, Message.category_id,
                  Message.subcategory_id, Message.opd_id)
        .where(decision_clause())
        .order_by(Message.triaged_at.desc(), Message.id.desc()).limit(limit)
        .execution_options(yield_per=5000))
    return [Decision(message_texts(perihal, body, kab), cat, sub, opd)
            for perihal, body, kab, cat, sub, opd in rows]


def enough_history() -> bool:
    """Whether the admins have made MIN_DECISIONS triage decisions, counting no further."""
    first = db.select(Message.id).where(decision_clause()).limit(MIN_DECISIONS).subquery()
    return db.session.scalar(db.select(db.func.count()).select_from(first)) >= MIN_DECISIONS


# --- training -----------------------------------------------------------------------------------

class NotEnoughHistory(Exception):
    """Too few decisions to learn from."""


def learnable_classes(labels) -> list:
    """The classes with at least MIN_PER_CLASS examples; [] when fewer than two remain."""
    counts = {}
    for label in labels:
        if label is not None:
            counts[label] = counts.get(label, 0) + 1
    kept = sorted(label for label, count in counts.items() if count >= MIN_PER_CLASS)
    return kept if len(kept) >= 2 else []


def _vectorizer():
    import numpy
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer

    # Words of the whole text catch the topic; character n-grams of the subject catch spelling
    # variants, affixes (jalan/jalannya, sekolah/persekolahan) and typing slips where they
    # matter most. Feature counts are capped so that the model stays small in every worker's
    # memory, whatever the size of the history.
    common = dict(lowercase=True, sublinear_tf=True, dtype=numpy.float32, min_df=2,
                  strip_accents="unicode")
    return ColumnTransformer([
        ("kata", TfidfVectorizer(analyzer="word", max_features=40_000, **common), 1),
        ("huruf", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), max_features=30_000,
                                  **common), 0),
    ], sparse_threshold=1.0)  # always sparse, however small the history


def _classifier():
    from sklearn.linear_model import LogisticRegression

    # Multinomial logistic regression: its probabilities spread over the classes a message's
    # words point to, so a message that mixes two subjects shows a low confidence. The penalty
    # weighs less as the history grows (it is set against the sum of the losses): a young
    # installation's few decisions give modest confidences, a large history sharper ones.
    # Balanced class weights: a rare OPD is still suggested when the words point to it, and
    # words that say nothing favour no class, not the busiest one.
    # A loose tolerance and an iteration cap keep a large history's nightly fit within a
    # minute; the probabilities barely move past them.
    return LogisticRegression(C=3.0, max_iter=100, tol=1e-3, class_weight="balanced")


def train(decisions: list[Decision]) -> dict:
    """Fit the model on `decisions`; returns what the model file stores (plain data and
    scikit-learn objects, no class of this project, so a file outlives code changes).

    Raises NotEnoughHistory when there are too few decisions or no label can be learned."""
    import sklearn
    from sklearn.exceptions import ConvergenceWarning

    if len(decisions) < MIN_DECISIONS:
        raise NotEnoughHistory(f"{len(decisions)} < {MIN_DECISIONS}")
    classes = {name: learnable_classes(d.label(name) for d in decisions) for name in FIELDS}
    if not any(classes.values()):
        raise NotEnoughHistory(f"< {MIN_PER_CLASS}")
    vectorizer = _vectorizer()
    from scipy.sparse import csr_matrix

    matrix = csr_matrix(vectorizer.fit_transform(feature_table([d.texts for d in decisions])))
    classifiers = {}
    for name, kept in classes.items():
        if not kept:
            continue
        wanted = set(kept)
        rows = [i for i, d in enumerate(decisions) if d.label(name) in wanted]
        classifier = _classifier()
        with warnings.catch_warnings():
            # Stopping at the iteration cap is a choice here, not a fault to report.
            warnings.simplefilter("ignore", ConvergenceWarning)
            classifier.fit(matrix[rows], [decisions[i].label(name) for i in rows])
        classifiers[name] = classifier
    trained_at = utcnow()
    digest = hashlib.sha256(repr((trained_at, len(decisions), classes)).encode()).hexdigest()
    return {
        "format": MODEL_FORMAT,
        "version": f"{trained_at:%Y%m%dT%H%M%S}-{digest[:8]}",
        "trained_at": trained_at,
        "count": len(decisions),
        "classes": {name: kept for name, kept in classes.items() if kept},
        "sklearn": sklearn.__version__,
        "vectorizer": vectorizer,
        "classifiers": classifiers,
    }


# --- suggesting ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Guess:
    field: str
    id: int
    confidence: float  # 0..1

    @property
    def percent(self) -> int:
        return round(self.confidence * 100)

    @property
    def low(self) -> bool:
        return self.confidence < LOW_CONFIDENCE


@dataclass
class Suggestions:
    version: str
    trained_at: datetime | None = None
    count: int = 0  # decisions the model learned from
    guesses: dict = field(default_factory=dict)  # field -> Guess
    unknown_words: bool = False  # no word of the message was ever seen in a decision

    def get(self, name) -> Guess | None:
        return self.guesses.get(name)


@dataclass(frozen=True)
class Choices:
    """What may be suggested now: the classes that still exist and are in use."""
    categories: frozenset
    subcategories: dict  # active sub category id -> its category id
    opds: frozenset

    @classmethod
    def current(cls) -> "Choices":
        from models.opd import Opd
        from models.taxonomy import Category, Subcategory

        return cls(
            categories=frozenset(db.session.scalars(db.select(Category.id))),
            subcategories=dict(db.session.execute(
                db.select(Subcategory.id, Subcategory.category_id)
                .where(Subcategory.active.is_(True))).all()),
            opds=frozenset(db.session.scalars(db.select(Opd.id).where(Opd.active.is_(True)))))


def _ranked(classifier, features) -> list[tuple[int, float]]:
    probabilities = classifier.predict_proba(features)[0]
    return sorted(((int(c), float(p)) for c, p in zip(classifier.classes_, probabilities,
                                                        strict=True)),
                  key=lambda pair: -pair[1])


def suggest(model: dict, texts: tuple, choices: Choices) -> Suggestions:
    """The best guess per learned label for a message's `texts` (see message_texts), among
    `choices`: the sub category is the best one of the suggested category (so the two agree)."""
    vectorizer = model["vectorizer"]
    features = vectorizer.transform(feature_table([texts]))
    result = Suggestions(version=model["version"], trained_at=model["trained_at"],
                         count=model["count"])
    if not features[:, vectorizer.output_indices_["kata"]].nnz:
        # Only letter patterns in common with past messages: too little to go on.
        result.unknown_words = True
        return result
    allowed = {"category": choices.categories, "subcategory": choices.subcategories.keys(),
               "opd": choices.opds}
    for name in FIELDS:
        classifier = model["classifiers"].get(name)
        if classifier is None:
            continue
        ranked = [(c, p) for c, p in _ranked(classifier, features) if c in allowed[name]]
        category = result.get("category")
        if name == "subcategory" and category is not None:
            ranked = [(c, p) for c, p in ranked if choices.subcategories[c] == category.id]
        if ranked:
            result.guesses[name] = Guess(name, *ranked[0])
    return result
