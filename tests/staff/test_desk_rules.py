"""The rules behind the desk, without servers: what a stored transcript turn keeps of an
identifier, which messages end a chat with a person, the round robin, the console's labels."""

from __future__ import annotations

import pytest
import yaml

from actions.handoff.assign import round_robin
from actions.transcripts import CODE_MASK, mask_identifiers, mask_turn_text
from core.i18n import Catalog
from core.language import Language
from messenger.citizen_link import ends_chat
from staff.labels import Labels, place_in, plain
from storage.models import TurnRole
from tests.conftest import REPO


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("110102198708182939", "110102********2939"),
        ("my id is 11010219870818293X.", "my id is 110102********293X."),
        ("ID 110102 19870818 2939 ok", "ID 110102********2939 ok"),
        ("１１０１０２１９８７０８１８２９３９", "110102********2939"),  # full-width, from a Chinese input method
        ("call 13812345678 or +86 139 1234 5678", "call 138****5678 or 139****5678"),
        ("我的手机号是13812345678", "我的手机号是138****5678"),
        ("the code is 482913", "the code is ******"),
        ("验证码：482913", "验证码：******"),
        ("ticket C261121-0042, plate 京A12345, post code 100000 in Beijing", None),
        ("39.908700,116.397500", None),
    ],
)
def test_identifiers_are_masked_in_stored_turns(typed: str, stored: str | None) -> None:
    assert mask_turn_text(typed) == (stored if stored is not None else typed)


def test_a_code_alone_and_whatever_is_typed_in_the_linking_form() -> None:
    assert mask_turn_text("482913") == CODE_MASK
    assert mask_turn_text(" 482 913 ") == CODE_MASK
    assert mask_turn_text("hello", form_step="BindForm:code") == CODE_MASK
    assert mask_turn_text("48291", form_step="CallbackForm:code") == CODE_MASK
    assert mask_turn_text("张伟", form_step="BindForm:name") == "张*"
    assert mask_turn_text("Zhang Wei", form_step="BindForm:name") == "Z**** W**"
    # The bot's own words: identifiers masked, six digits alone are not a code it was told.
    assert mask_turn_text("Your postal code: 100000", role=TurnRole.BOT) == "Your postal code: 100000"
    assert mask_identifiers("<b>110102198708182939</b>") == "<b>110102********2939</b>"


def test_end_chat_messages() -> None:
    catalog = Catalog()
    assert ends_chat("/cancel", catalog) == "cancel"
    assert ends_chat("/menu@traffic_bot", catalog) == "menu"
    assert ends_chat("/start", catalog) == "start"
    assert ends_chat("✖️ End chat", catalog) == "cancel"
    assert ends_chat("✖️ 结束对话", catalog) == "cancel"
    assert ends_chat("/help", catalog) is None
    assert ends_chat("I want to cancel my plates", catalog) is None
    assert ends_chat(None, catalog) is None


def test_round_robin_goes_on_after_the_last_agent() -> None:
    assert round_robin(["cy", "ann", "bo"], None) == ["ann", "bo", "cy"]
    assert round_robin(["cy", "ann", "bo"], "ann") == ["bo", "cy", "ann"]
    assert round_robin(["cy", "ann", "bo"], "cy") == ["ann", "bo", "cy"]
    assert round_robin(["cy", "ann", "bo"], "gone") == ["ann", "bo", "cy"]


@pytest.mark.parametrize("lang", [Language.EN, Language.ZH])
def test_every_stored_code_has_a_label(lang: Language) -> None:
    """Every intent (a conversation's topic), entity, resolution, complaint topic and status,
    history action, licence status and office has a label of its own in both languages."""
    from actions.handoff import CALLBACK_RESOLUTION_CODES, RESOLUTION_CODES, SYSTEM_RESOLUTION_CODES
    from storage.data import cities
    from storage.models import ComplaintStatus, ComplaintTopic, LicenseStatus

    catalog = Catalog()
    labels = Labels(catalog, lang)
    domain = yaml.safe_load((REPO / "nlu" / "domain.yml").read_text(encoding="utf-8"))
    other = str(labels.topic("no-such-intent"))
    for intent in [*domain["intents"], "callback", "supervisor"]:
        assert str(labels.topic(intent)) != other, intent
    for entity in domain["entities"]:
        assert str(labels.entity(entity)) != str(labels.entity("no-such-entity")), entity
    for code in (*RESOLUTION_CODES, *CALLBACK_RESOLUTION_CODES, *SYSTEM_RESOLUTION_CODES):
        assert str(labels.resolution(code)) != str(labels.resolution("no-such-code")), code
    unknown = str(catalog.text(lang, "staff-unknown"))
    for status in [*ComplaintStatus, *LicenseStatus]:
        shown = str(
            labels.complaint_status(status) if isinstance(status, ComplaintStatus) else labels.license_status(status)
        )
        assert shown != unknown and "_" not in shown, status
    for topic in ComplaintTopic:
        assert "_" not in str(labels.complaint_topic(topic))
    for action in ("created", "status_changed", "reply", "note", "rated"):
        assert str(labels.history_action(action)) != str(labels.history_action("no-such-action")), action
    for city in cities():
        assert labels.office(city.office.id) == city.office.name.get(lang)
    assert str(labels.language("zh")) == ("中文" if lang == Language.ZH else "Chinese")


def test_bot_messages_keep_their_line_breaks_and_places_have_a_map_link() -> None:
    assert (
        plain("<b>Your license</b>\nStatus: valid &amp; clean\n\n• C1") == "Your license\nStatus: valid & clean\n\n• C1"
    )
    where = place_in("39.908700,116.397500")
    assert where is not None and where.text == "39.908700, 116.397500"
    assert where.map_url == "https://www.openstreetmap.org/?mlat=39.908700&mlon=116.397500#map=17/39.908700/116.397500"
    assert place_in("not a place") is None and place_in("99.0,200.0") is None
