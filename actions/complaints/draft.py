"""The complaint form's draft and what a citizen's own words already tell (topic, place, plate).

Pure: no I/O. The bot's form (bot/routers/complaints/) asks only for what is still missing.
"""

from __future__ import annotations

import re
from typing import Final, Literal

from pydantic import BaseModel, Field

from core.identifiers import PLATE_RE, fold_text, normalize_plate
from core.text import clean_text, utf16_len
from storage.models import ComplaintTopic, GeoPoint

DESCRIPTION_MIN: Final = 10
DESCRIPTION_MAX: Final = 2000
PLACE_MIN: Final = 2
PLACE_MAX: Final = 200
MAX_PHOTOS: Final = 5

FormField = Literal["topic", "place", "description", "photos"]
FORM_FIELDS: Final[tuple[FormField, ...]] = ("topic", "place", "description", "photos")


# --- the draft a citizen fills in -----------------------------------------------------------------


class ComplaintDraft(BaseModel):
    """What the form has gathered so far (kept in the FSM data as JSON)."""

    topic: ComplaintTopic | None = None
    place_text: str | None = None
    location: GeoPoint | None = None
    description: str | None = None
    photos: list[str] = Field(default_factory=list, max_length=MAX_PHOTOS)
    photos_done: bool = False
    plate: str | None = None
    editing: FormField | None = None  # the field being edited from the summary

    @property
    def has_place(self) -> bool:
        return bool(self.place_text) or self.location is not None

    def next_field(self) -> FormField | None:
        """The question to ask next: the field being edited, else the first one missing."""
        if self.editing is not None:
            return self.editing
        if self.topic is None:
            return "topic"
        if not self.has_place:
            return "place"
        if self.description is None:
            return "description"
        if not self.photos_done and len(self.photos) < MAX_PHOTOS:
            return "photos"
        return None

    def start_edit(self, field: FormField) -> None:
        """Ask ``field`` again, then return to the summary (photos are collected anew)."""
        self.editing = field
        if field == "photos":
            self.photos = []
            self.photos_done = False

    def add_photo(self, file_id: str) -> bool:
        """Keep a photo; False when 5 are already attached."""
        if len(self.photos) >= MAX_PHOTOS:
            return False
        self.photos.append(file_id)
        if len(self.photos) >= MAX_PHOTOS and self.editing == "photos":
            self.editing = None
        return True


def check_description(text: str) -> str | None:
    """None if acceptable, else the catalog id of the hint (too short / too long). Measured as
    Telegram measures (UTF-16 units) after cleaning, so the summary that quotes it always fits
    in one message."""
    length = utf16_len(clean_text(text).strip())
    if length < DESCRIPTION_MIN:
        return "complaints-error-description-short"
    if length > DESCRIPTION_MAX:
        return "complaints-error-description-long"
    return None


def check_place(text: str) -> str | None:
    """None if acceptable, else the catalog id of the hint."""
    length = utf16_len(clean_text(text).strip())
    if length < PLACE_MIN:
        return "complaints-error-place-short"
    if length > PLACE_MAX:
        return "complaints-error-place-long"
    return None


def find_plate(text: str) -> str | None:
    """The first valid plate typed in ``text`` (full-width input accepted), normalised."""
    for match in PLATE_RE.finditer(fold_text(text)):
        plate = normalize_plate(match.group(0))
        if plate is not None:
            return plate
    return None


def strip_plates(text: str) -> str:
    """``text`` without the plates in it (what is left of "京A12345 长安街" as a place)."""
    folded = fold_text(text)
    kept = PLATE_RE.sub(lambda m: "" if normalize_plate(m.group(0)) else m.group(0), folded)
    return " ".join(kept.split()).strip(" ,，.。;；:：")


_PLATE_FILLER = (
    r"(?<![a-z])(?:the|its|it's|plate|plates|number|is|was|car|vehicle|license|licence)(?![a-z])"
    r"|车牌号码|车牌号|车牌|是"
)
_PLATE_WORDS: Final = re.compile(f"(?i){_PLATE_FILLER}")
_PLATE_WORDS_AT_EDGES: Final = re.compile(
    f"(?i)^(?:{_PLATE_FILLER}|[\\s,，.。:：;；])+|(?:{_PLATE_FILLER}|[\\s,，.。:：;；])+$"
)


def place_beside_plate(text: str) -> str:
    """What names a place in a message that holds a plate: "the plate is 京A12345" -> "",
    "建国路口，车牌京A12345" -> "建国路口"."""
    place = strip_plates(text)
    if not " ".join(_PLATE_WORDS.sub(" ", place).split()).strip(" ,，.。;；:："):
        return ""
    return _PLATE_WORDS_AT_EDGES.sub("", place)


# Words a citizen uses for each topic, in English (whole words) and Chinese (substrings).
_TOPIC_WORDS: Final[dict[ComplaintTopic, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    ComplaintTopic.ROAD_FACILITIES: (
        (
            "signal",
            "signals",
            "traffic light",
            "traffic lights",
            "light",
            "sign",
            "signs",
            "road marking",
            "markings",
            "pothole",
            "potholes",
            "barrier",
            "guardrail",
            "crossing",
            "facilities",
            "facility",
        ),
        ("信号灯", "红绿灯", "标志", "标线", "护栏", "坑", "路面", "设施", "斑马线", "路灯", "不亮"),
    ),
    ComplaintTopic.ILLEGAL_PARKING: (
        ("parking", "parked", "park", "parks", "double-parked", "blocking the lane"),
        ("违停", "乱停", "违章停车", "停车", "占道", "占用", "停在"),
    ),
    ComplaintTopic.CONGESTION: (
        ("congestion", "congested", "traffic jam", "jam", "jams", "gridlock", "backed up"),
        ("拥堵", "堵车", "堵", "塞车"),
    ),
    ComplaintTopic.OFFICER_CONDUCT: (
        ("officer", "officers", "police", "policeman", "policemen", "cop", "cops", "traffic police"),
        ("交警", "民警", "警察", "执法"),
    ),
    ComplaintTopic.WINDOW_SERVICE: (
        ("window", "counter", "vehicle office", "vehicle management office", "dmv", "queue", "queued", "clerk"),
        ("窗口", "车管所", "排队", "柜台", "办事大厅"),
    ),
    ComplaintTopic.APP_HOTLINE: (
        ("app", "hotline", "12123", "website", "phone line", "helpline"),
        ("热线", "软件", "客服电话", "网站", "12123"),
    ),
}


def guess_topic(text: str) -> ComplaintTopic | None:
    """The topic ``text`` clearly talks about (the most matching words; the first on a tie)."""
    folded = fold_text(text).casefold()
    best: tuple[int, ComplaintTopic | None] = (0, None)
    for topic, (english, chinese) in _TOPIC_WORDS.items():
        hits = sum(1 for w in english if re.search(rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])", folded))
        hits += sum(1 for w in chinese if w in folded)
        if hits > best[0]:
            best = (hits, topic)
    return best[1]


_ZH_PLACE = re.compile(
    r"(?:在|于|位于)([\u4e00-\u9fff0-9]{1,20}(?:交叉口|路口|大街|大道|胡同|高速|立交|广场|路|街|桥|站|门口|窗口|车管所))"
)
_EN_PLACE = re.compile(
    r"\b(?:at|near|on|by|outside)\s+(?:the\s+)?((?:[A-Z0-9][\w'.-]*\s+){0,4}"
    r"(?:Road|Rd|Street|St|Avenue|Ave|Bridge|Expressway|Highway|Square|Station|Crossing|Intersection|Junction|"
    r"Lane|Boulevard|Blvd|Gate|Hutong))\b"
)


# A problem described straight away (issue 15): "建国路口的红绿灯坏了", "环路上有个大坑",
# "a pothole on the ring road" (a lower-case road name after "on/at/near the").
_ZH_PLACE_FIRST = re.compile(
    r"^([\u4e00-\u9fff0-9]{1,12}?(?:交叉口|路口|大街|大道|环路|高速|立交|广场|路|街|桥|门口))(?=的|上|边|旁|附近|有|，|,)"
)
_EN_PLACE_LOWER = re.compile(
    r"\b(?:at|near|on|by|outside)\s+the\s+((?:[a-z0-9][\w'.-]*\s+){1,3}"
    r"(?:road|street|avenue|bridge|expressway|highway|crossing|junction|intersection))\b"
)


def guess_place(text: str) -> str | None:
    """A place named in ``text`` ("... at Jianguo Road", "在东长安街南池子路口 ...", "建国路口的红绿灯
    坏了", "a pothole on the ring road"), or None."""
    folded = fold_text(text)
    for pattern in (_ZH_PLACE, _EN_PLACE, _ZH_PLACE_FIRST, _EN_PLACE_LOWER):
        match = pattern.search(folded)
        if match is not None and check_place(match.group(1)) is None:
            return match.group(1).strip()
    return None


_DONE_WORDS: Final = frozenset(
    {
        "done",
        "skip",
        "finish",
        "finished",
        "no",
        "none",
        "no photo",
        "no photos",
        "nothing",
        "that's all",
        "ok",
        "完成",
        "跳过",
        "好了",
        "没有",
        "不用",
        "无",
        "没有照片",
        "就这些",
    }
)
_CONFIRM_WORDS: Final = frozenset({"yes", "ok", "okay", "submit", "confirm", "send", "是", "好", "确认", "提交", "对"})


def _word(text: str) -> str:
    return fold_text(text).casefold().strip(" .!。！,，")


def is_done_word(text: str) -> bool:
    """ "done" / "skip" (or the same in Chinese) typed at the photos step."""
    return _word(text) in _DONE_WORDS


def is_confirm_word(text: str) -> bool:
    """ "yes" / "submit" (or the same in Chinese) typed at the summary."""
    return _word(text) in _CONFIRM_WORDS


def draft_from_opening(text: str | None, entities: dict[str, list[str]]) -> ComplaintDraft:
    """What the citizen's opening message already says (topic, place, plate): not asked again."""
    draft = ComplaintDraft()
    plates = entities.get("plate_number") or []
    draft.plate = plates[0] if plates else (find_plate(text) if text else None)
    if text:
        draft.topic = guess_topic(text)
        draft.place_text = guess_place(text)
        if is_problem_description(text):
            draft.description = clean_text(text).strip()
    return draft


# Words of a request to report ("I want to complain", "举报违停"), as opposed to the problem itself.
_REQUEST_WORDS: Final = re.compile(
    r"(?i)(?<![a-z])(?:complain\w*|complaint\w*|report\w*|lodge|file|grievance|feedback)(?![a-z])"
    r"|投诉|举报|反映|反馈|报告|意见"
)


def is_problem_description(text: str) -> bool:
    """``text`` describes a problem itself ("the signal at X has been dark for a week", "环路上有个
    大坑"), not a request to report one: it names a topic, has a description's length, and no word
    of a request. Such an opening message becomes the report's description (the citizen still
    reads it in the summary before anything is filed)."""
    folded = fold_text(text)
    if check_description(folded) is not None or _REQUEST_WORDS.search(folded):
        return False
    return guess_topic(folded) is not None
