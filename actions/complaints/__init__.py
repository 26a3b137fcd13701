"""Complaints (the 12345 "swift response" practice): file, look up, answer, rate, cluster.

Channel-independent: the bot's form (bot/routers/complaints/), the staff console and the
back-office events API call these. ``draft`` (the form and the citizen's words), ``citizen``
(filing, own complaints, rating), ``staff`` (status changes, replies, clusters).

Rules (issue 4):
* A complaint has a topic (``ComplaintTopic``), a place (text and/or a shared location), a
  description of 10 to 2,000 characters, up to 5 photos and, when one was typed, a plate.
* It is written durably first; only then is its ticket number (C + YYMMDD + "-" + a daily
  sequence, the bureau's local date) given, with the promised response: acknowledged within
  24 hours, answered within 7 days. Once per draft: the form's idempotency key is unique on the
  stored complaint, so the same draft submitted again returns the first complaint (``submit_once``).
* A citizen sees only their own complaints; someone else's ticket reads exactly like an unknown one.
* Staff and the back office move a complaint along the same allowed transitions (``TRANSITIONS``).
  When it is resolved the citizen is asked to rate the resolution (1 to 5, once, with an optional
  comment): not asked again once rated.
* Complaints about the same topic near the same place within 30 days form a cluster (the
  "task of the month" overview for staff).

Notifications (outbox, rendered and delivered by the push pipeline), payload shape
``{"ticket_id": str, "status": str (ComplaintStatus value), "text": str | None}``:
* ``COMPLAINT_UPDATED``: the status changed (other than to resolved, or resolved again after a
  rating) or staff replied.
* ``COMPLAINT_RATING_REQUEST``: resolved, not rated yet; ``text`` is the resolution. The citizen rates
  with the bot feature ``complaint_rate`` (arg = ticket id).
"""

from __future__ import annotations

from actions.complaints.citizen import (
    ACKNOWLEDGE_WITHIN,
    ANSWER_WITHIN,
    RATEABLE,
    RATING_COMMENT_MAX,
    ComplaintPage,
    IncompleteDraft,
    RatingOutcome,
    can_rate,
    list_own,
    normalize_comment,
    own_complaint,
    rate,
    submit,
    submit_once,
    submitted,
)
from actions.complaints.draft import (
    DESCRIPTION_MAX,
    DESCRIPTION_MIN,
    FORM_FIELDS,
    MAX_PHOTOS,
    PLACE_MAX,
    PLACE_MIN,
    ComplaintDraft,
    FormField,
    check_description,
    check_place,
    draft_from_opening,
    find_plate,
    guess_place,
    guess_topic,
    is_confirm_word,
    is_done_word,
    place_beside_plate,
    strip_plates,
)
from actions.complaints.staff import (
    TRANSITIONS,
    ComplaintActionError,
    StatusChange,
    change_status,
    list_clusters,
    record_status,
    reply_to_citizen,
    resolve,
)

__all__ = [
    "ACKNOWLEDGE_WITHIN",
    "ANSWER_WITHIN",
    "DESCRIPTION_MAX",
    "DESCRIPTION_MIN",
    "FORM_FIELDS",
    "MAX_PHOTOS",
    "PLACE_MAX",
    "PLACE_MIN",
    "RATEABLE",
    "RATING_COMMENT_MAX",
    "TRANSITIONS",
    "ComplaintActionError",
    "ComplaintDraft",
    "ComplaintPage",
    "FormField",
    "IncompleteDraft",
    "RatingOutcome",
    "StatusChange",
    "can_rate",
    "change_status",
    "check_description",
    "check_place",
    "draft_from_opening",
    "find_plate",
    "guess_place",
    "guess_topic",
    "is_confirm_word",
    "is_done_word",
    "list_clusters",
    "list_own",
    "normalize_comment",
    "own_complaint",
    "place_beside_plate",
    "rate",
    "record_status",
    "reply_to_citizen",
    "resolve",
    "strip_plates",
    "submit",
    "submit_once",
    "submitted",
]
