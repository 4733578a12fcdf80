"""The four stages a reporter follows a message through: verifikasi, diteruskan, tindak lanjut,
selesai.

Staff work with six statuses; a reporter (or anyone holding the tracking number) only needs to
know which of four stages the message has reached, since when, and what happens next. The
stage is derived here, once, from the status and the times the lifecycle records; the owner's
history page and the public tracking page both show what `stage_track` returns.
"""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from models.vocabulary import IN_REVIEW

STAGES = ("verifikasi", "diteruskan", "tindak_lanjut", "selesai")
STAGE_LABELS = {
    "verifikasi": _l("Verifikasi"),
    "diteruskan": _l("Diteruskan"),
    "tindak_lanjut": _l("Tindak lanjut"),
    "selesai": _l("Selesai"),
}
NEXT_STEPS = {
    "verifikasi": _l("Admin memeriksa pesan, menentukan kategorinya, lalu meneruskannya ke "
                     "OPD yang berwenang."),
    "diteruskan": _l("OPD tujuan menerima pesan dan mulai menindaklanjutinya."),
    "tindak_lanjut": _l("OPD menindaklanjuti pesan dan menyampaikan tanggapan; setelah itu "
                        "pesan selesai."),
    "selesai": _l("Pelapor dapat memberi penilaian, atau membuka kembali pesan bila belum "
                  "terselesaikan."),
}
# While an OPD's answer waits for the admins' check (when that check is switched on).
IN_REVIEW_NEXT_STEP = _l("OPD sudah menanggapi; tim Diskominfo memeriksa tanggapan itu sebelum "
                         "disampaikan kepada pelapor.")
ENDINGS = {
    "ditutup": _l("Pesan ditutup pada tahap verifikasi dan tidak diteruskan ke OPD."),
    "dicabut": _l("Pesan dicabut oleh pelapor sebelum diverifikasi."),
}
# Which stage each status stands at; a closed or withdrawn message stopped at verification.
STAGE_OF_STATUS = {
    "baru": "verifikasi",
    "diteruskan": "diteruskan",
    "diproses": "tindak_lanjut",
    IN_REVIEW: "tindak_lanjut",  # the OPD answered; the answer waits for the admins' check
    "selesai": "selesai",
    "ditutup": "verifikasi",
    "dicabut": "verifikasi",
}


@dataclass(frozen=True)
class Stage:
    code: str
    label: str
    state: str                 # done | current | ahead | skipped
    at: datetime | None = None  # when the message reached it (done or current)


@dataclass(frozen=True)
class StageTrack:
    stages: tuple
    current: str                # the stage's code
    since: datetime | None
    next_step: str | None       # what happens next; None once nothing more will
    ending: str | None = None   # why the message stopped early (closed, withdrawn)

    @property
    def current_label(self) -> str:
        return str(STAGE_LABELS[self.current])


def _latest(*times):
    known = [t for t in times if t is not None]
    return max(known) if known else None


def stage_track(status: str, created_at: datetime, forwarded_at: datetime | None = None,
                accepted_at: datetime | None = None, finished_at: datetime | None = None,
                ended_at: datetime | None = None) -> StageTrack:
    """The stages of a message in `status`, dated by the times the lifecycle recorded.

    `ended_at` dates a closing or withdrawal. A message answered by the admin (selesai without
    ever being forwarded) skips the two OPD stages; so does a closed one.
    """
    current = STAGE_OF_STATUS[status]
    index = STAGES.index(current)
    if status in ("diproses", IN_REVIEW):
        # A reopened message goes back to its OPD: the stage restarts then, not at acceptance.
        reached = {"tindak_lanjut": _latest(accepted_at, forwarded_at)}
    else:
        reached = {"tindak_lanjut": accepted_at}
    reached.update(verifikasi=created_at, diteruskan=forwarded_at, selesai=finished_at)
    never_forwarded = status == "selesai" and forwarded_at is None
    ending = ENDINGS.get(status)
    stages = []
    for position, code in enumerate(STAGES):
        if ending is not None:
            state = "current" if position == 0 else "skipped"
        elif position < index:
            state = "skipped" if never_forwarded and code != "verifikasi" else "done"
        elif position == index:
            state = "current"
        else:
            state = "ahead"
        at = reached[code] if state in ("done", "current") else None
        stages.append(Stage(code, str(STAGE_LABELS[code]), state, at))
    since = ended_at if ending is not None else reached[current]
    return StageTrack(stages=tuple(stages), current=current, since=since,
                      next_step=None if ending is not None else str(
                          IN_REVIEW_NEXT_STEP if status == IN_REVIEW else NEXT_STEPS[current]),
                      ending=str(ending) if ending is not None else None)


def message_stages(message) -> StageTrack:
    """`stage_track` for a stored message."""
    ended_at = {"ditutup": message.triaged_at, "dicabut": message.updated_at}.get(message.status)
    return stage_track(message.status, message.created_at, message.forwarded_at,
                       message.accepted_at, message.finished_at, ended_at)
