"""How a complaint reads in the chat: topic and status names, place, deadline, public history."""

from __future__ import annotations

from markupsafe import Markup

from actions.complaints import ComplaintDraft
from bot.ui.format import dashed, local_time, stars
from core.i18n import Translator
from storage.models import Complaint, ComplaintStatus, ComplaintTopic, GeoPoint


def topic_name(t: Translator, topic: ComplaintTopic) -> str:
    return t(f"complaints-topic-{dashed(topic.value)}")


def status_name(t: Translator, status: ComplaintStatus) -> str:
    return t(f"complaints-status-{dashed(status.value)}")


def place_text(t: Translator, text: str | None, location: GeoPoint | None) -> str:
    parts = [text] if text else []
    if location is not None:
        parts.append(t("complaints-place-location", lat=f"{location.lat:.5f}", lon=f"{location.lon:.5f}"))
    return Markup(" · ").join(parts) if parts else t("complaints-value-none")


def summary_text(t: Translator, draft: ComplaintDraft) -> str:
    return t(
        "complaints-summary",
        topic=topic_name(t, draft.topic) if draft.topic else t("complaints-value-none"),
        place=place_text(t, draft.place_text, draft.location),
        plate=draft.plate if draft.plate else t("complaints-value-none"),
        photos=len(draft.photos),
        description=draft.description or "",
    )


def deadline_text(t: Translator, complaint: Complaint) -> str:
    if complaint.status == ComplaintStatus.NEW:
        return t("complaints-deadline-acknowledge", at=local_time(complaint.acknowledge_by))
    if complaint.status in (ComplaintStatus.ACKNOWLEDGED, ComplaintStatus.IN_PROGRESS):
        return t("complaints-deadline-answer", at=local_time(complaint.answer_by))
    return t("complaints-deadline-done", at=local_time(complaint.updated_at))


def history_lines(t: Translator, complaint: Complaint) -> list[str]:
    """What the citizen may see of the history (staff's private notes are left out)."""
    lines: list[str] = []
    for event in complaint.history:
        at = local_time(event.at)
        if event.action == "created":
            lines.append(t("complaints-history-created", at=at))
        elif event.action == "status_changed" and event.status is not None:
            status = status_name(t, event.status)
            if event.text:
                lines.append(t("complaints-history-status-text", at=at, status=status, text=event.text))
            else:
                lines.append(t("complaints-history-status", at=at, status=status))
        elif event.action == "reply" and event.text:
            lines.append(t("complaints-history-reply", at=at, text=event.text))
        elif event.action == "rated" and complaint.rating is not None:
            lines.append(t("complaints-history-rated", at=at, stars=stars(complaint.rating)))
    return lines


def shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
