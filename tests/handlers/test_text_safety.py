"""The catalog escapes every argument: what a citizen types (or calls themselves) reaches the
chat as text, never as markup. Through the real dispatcher, reading the HTML the bot sends."""

from __future__ import annotations

import pytest

from core.i18n import default_catalog
from tests.handlers.conftest import MakePerson


@pytest.mark.parametrize(
    ("name", "escaped"),
    [
        ("<b>Bo</b>", "&lt;b&gt;Bo&lt;/b&gt;"),
        ('<a href="javascript:alert(1)">x</a>', "&lt;a href=&#34;javascript:alert(1)&#34;&gt;x&lt;/a&gt;"),
        ("Tom & <Jerry", "Tom &amp; &lt;Jerry"),
    ],
)
async def test_start_greets_a_name_with_markup_as_plain_text(person: MakePerson, name: str, escaped: str) -> None:
    replies = await person(name).send("/start")
    [sent] = replies.send_methods  # the HTML the bot sent
    assert sent.text.startswith(f"Hello, {escaped}! ")
    assert replies.text.startswith(f"Hello, {name}! ")  # what the citizen reads


async def test_an_unknown_command_is_echoed_as_text(person: MakePerson) -> None:
    replies = await person().send("/<i>x</i>")
    [sent] = replies.send_methods
    assert "/&lt;i&gt;x&lt;/i&gt;" in sent.text and "<i>" not in sent.text


def test_the_catalog_escapes_text_arguments_and_keeps_its_own_markup() -> None:
    t = default_catalog().translator("en")
    nested = t("start-greeting", name=t("menu-title"))  # a message inside a message: not escaped twice
    assert "&amp;" not in nested and "&lt;" not in nested
    assert "&lt;script&gt;" in t("start-greeting", name="<script>")
    assert t("start-greeting", name="<script>").startswith("Hello, &lt;script&gt;!")


async def test_a_forged_page_number_is_a_stale_button_not_a_crash(person: MakePerson) -> None:
    alice = person()
    start = (await alice.send("/start")).last
    replies = await alice.press_data(start, "vio:99999999999999999999:")
    assert [a.text for a in replies.answers] == ["This button is no longer active. Please use /menu."]
    forged_stars = await alice.press_data(start, "crate:C261201-0001:99999999999999999999")
    assert [a.text for a in forged_stars.answers] == ["This button is no longer active. Please use /menu."]


async def test_a_key_held_down_is_not_classified(person: MakePerson) -> None:
    replies = await person().send("a" * 4096)
    assert replies.text.startswith("Sorry, I didn't understand that.")
