"""Identity binding and one-time codes against the real Redis and MongoDB (SecantusDB), and the
HTTP SMS gateway against a real local HTTP server."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr

from actions import identity, profile
from actions.identity import CheckOutcome, OneTimeCodes, Purpose, SendOutcome
from actions.services import Services
from actions.sms import HttpSmsGateway, SmsDeliveryError, build_sms_gateway
from core.config import Settings
from core.language import Language
from core.processes import free_port
from storage.repositories import Repositories
from storage.seed import DEMO_IDENTITIES
from tests.conftest import default_services, demo_database

ZHANG = DEMO_IDENTITIES[0]
LI = DEMO_IDENTITIES[1]


class RecordingSms:
    """An SmsGateway that keeps what it was asked to send (the HTTP adapter is tested below)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def send(self, phone: str, text: str) -> None:
        self.sent.append((phone, text))

    def last_code(self, phone: str) -> str:
        text = next(text for p, text in reversed(self.sent) if p == phone)
        return next(
            word for word in text.replace("，", " ").replace(",", " ").split() if word.isdigit() and len(word) == 6
        )


@pytest.fixture(scope="module")
async def repos(mongo_url: str) -> AsyncIterator[Repositories]:
    """One database with the demo data per module (loading it is the slow part)."""
    async with demo_database(mongo_url, "unit_identity") as loaded:
        yield loaded


@pytest.fixture
async def services(repos: Repositories, redis_url: str) -> AsyncIterator[Services]:
    async with default_services(repos, redis_url, "ui", sms=RecordingSms()) as made:
        yield made


async def sms_of(services: Services) -> RecordingSms:
    """The recording gateway, once the codes being sent in the background reached it."""
    await identity.deliveries_done()
    assert isinstance(services.sms, RecordingSms)
    return services.sms


async def test_binding_happy_path_sends_the_code_to_the_phone_on_file(services: Services) -> None:
    result = await identity.start_binding(
        services, user_id=1, name=ZHANG.name, id_number=ZHANG.id_number, language=Language.EN
    )
    assert result.outcome == SendOutcome.SENT
    code = (await sms_of(services)).last_code(ZHANG.phone)
    stored = await services.redis.get(services.keys("otp", "bind", "code", 1))
    assert isinstance(stored, bytes) and code not in stored.decode()  # hashed
    outcome = await identity.confirm_binding(services, user_id=1, chat_id=1, code=code, language=Language.EN)
    assert outcome.check.outcome == CheckOutcome.OK and outcome.bind is not None
    citizen = await services.repos.citizens.by_telegram_user(1)
    assert citizen is not None and citizen.id_number == ZHANG.id_number
    assert citizen.telegram is not None and citizen.telegram.language == Language.EN
    # The code is used up.
    again = await identity.confirm_binding(services, user_id=1, chat_id=1, code=code, language=Language.EN)
    assert again.check.outcome == CheckOutcome.EXPIRED


async def test_unknown_id_and_wrong_name_answer_like_a_match_but_send_nothing(services: Services) -> None:
    wrong_name = await identity.start_binding(
        services, user_id=2, name="王五", id_number=ZHANG.id_number, language=Language.ZH
    )
    unknown = await identity.start_binding(
        services, user_id=3, name="王五", id_number="11010519491231002X", language=Language.ZH
    )
    assert wrong_name == unknown == identity.SendResult(SendOutcome.SENT)
    assert (await sms_of(services)).sent == []
    # A decoy code is pending: every code is wrong, counted like any other.
    check = await identity.confirm_binding(services, user_id=3, chat_id=3, code="123456", language=Language.ZH)
    assert check.check.outcome == CheckOutcome.WRONG and check.check.attempts_left == 4


async def test_five_wrong_codes_lock_the_account_and_the_identity(services: Services) -> None:
    await identity.start_binding(services, user_id=4, name=LI.name, id_number=LI.id_number, language=Language.EN)
    code = (await sms_of(services)).last_code(LI.phone)
    wrong = "000000" if code != "000000" else "111111"
    lefts = []
    for _ in range(4):
        result = await identity.confirm_binding(services, user_id=4, chat_id=4, code=wrong, language=Language.EN)
        lefts.append(result.check.attempts_left)
    assert lefts == [4, 3, 2, 1]
    fifth = await identity.confirm_binding(services, user_id=4, chat_id=4, code=wrong, language=Language.EN)
    assert fifth.check.outcome == CheckOutcome.LOCKED and fifth.check.wait_seconds == identity.LOCK_SECONDS
    # The right code no longer works, and neither this account nor another can start again.
    late = await identity.confirm_binding(services, user_id=4, chat_id=4, code=code, language=Language.EN)
    assert late.check.outcome in (CheckOutcome.LOCKED, CheckOutcome.EXPIRED)
    assert (
        await identity.start_binding(services, user_id=4, name=LI.name, id_number=ZHANG.id_number, language=Language.EN)
    ).outcome == SendOutcome.LOCKED
    other = await identity.start_binding(
        services, user_id=5, name=LI.name, id_number=LI.id_number, language=Language.EN
    )
    assert other.outcome == SendOutcome.LOCKED and 0 < other.wait_seconds <= identity.LOCK_SECONDS
    assert await services.repos.citizens.by_telegram_user(4) is None


async def test_resend_is_limited(services: Services) -> None:
    first = await identity.start_binding(
        services, user_id=6, name=ZHANG.name, id_number=ZHANG.id_number, language=Language.EN
    )
    again = await identity.resend_binding_code(
        services, user_id=6, name=ZHANG.name, id_number=ZHANG.id_number, language=Language.EN
    )
    assert first.outcome == SendOutcome.SENT
    assert again.outcome == SendOutcome.TOO_SOON and 0 < again.wait_seconds <= identity.RESEND_COOLDOWN
    assert len((await sms_of(services)).sent) == 1
    # Past the cooldown, at most MAX_SENDS codes an hour per identity, whichever account asks.
    for user_id in range(100, 100 + identity.MAX_SENDS):
        await services.redis.delete(services.keys("otp", "bind", "cooldown", 6))
        result = await identity.start_binding(
            services, user_id=user_id, name=ZHANG.name, id_number=ZHANG.id_number, language=Language.EN
        )
        expected = SendOutcome.SENT if user_id < 100 + identity.MAX_SENDS - 1 else SendOutcome.TOO_MANY
        assert result.outcome == expected, user_id


async def test_rebinding_returns_the_previous_account_and_unbind(services: Services) -> None:
    for user_id in (7, 8):
        await services.redis.delete(services.keys("otp", "bind", "sends", "s", ZHANG.id_number))
        await identity.start_binding(
            services, user_id=user_id, name=ZHANG.name, id_number=ZHANG.id_number, language=Language.ZH
        )
        outcome = await identity.confirm_binding(
            services,
            user_id=user_id,
            chat_id=user_id,
            code=(await sms_of(services)).last_code(ZHANG.phone),
            language=Language.ZH,
        )
        assert outcome.bind is not None
    assert outcome.bind is not None and outcome.bind.previous_binding is not None
    assert outcome.bind.previous_binding.user_id == 7
    assert await services.repos.citizens.by_telegram_user(7) is None
    removed = await identity.unbind(services, 8)
    assert removed is not None and removed.id_number == ZHANG.id_number
    assert await identity.unbind(services, 8) is None


class StalledSms(RecordingSms):
    """A gateway that does not answer until released (a slow operator)."""

    def __init__(self) -> None:
        super().__init__()
        self.release = asyncio.Event()

    async def send(self, phone: str, text: str) -> None:
        await self.release.wait()
        await super().send(phone, text)


async def test_a_matching_identity_is_answered_before_the_sms_gateway_answers(services: Services) -> None:
    """No timing side channel: a match must not wait for the gateway while a mismatch answers at
    once. With the gateway stalled, both answers come back (the code goes out when it recovers)."""
    stalled = StalledSms()
    slow = dataclasses.replace(services, sms=stalled)
    for user_id, name in ((21, ZHANG.name), (22, "王五")):  # a match, then a mismatch
        result = await asyncio.wait_for(
            identity.start_binding(slow, user_id=user_id, name=name, id_number=ZHANG.id_number, language=Language.EN),
            timeout=5,
        )
        assert result.outcome == SendOutcome.SENT
    assert stalled.sent == []  # nothing delivered yet, and neither answer waited for it
    stalled.release.set()
    await identity.deliveries_done()
    assert [phone for phone, _ in stalled.sent] == [ZHANG.phone]
    outcome = await identity.confirm_binding(
        slow, user_id=21, chat_id=21, code=stalled.last_code(ZHANG.phone), language=Language.EN
    )
    assert outcome.bind is not None and outcome.bind.citizen.id_number == ZHANG.id_number
    await identity.unbind(slow, 21)


async def test_no_gateway_means_unavailable(services: Services) -> None:
    without = dataclasses.replace(services, sms=None)
    result = await identity.start_binding(
        without, user_id=9, name=ZHANG.name, id_number=ZHANG.id_number, language=Language.EN
    )
    assert result.outcome == SendOutcome.UNAVAILABLE


async def test_phone_change_code_goes_to_the_new_number(services: Services) -> None:
    citizen = await services.repos.citizens.by_id_number(LI.id_number)
    assert citizen is not None
    new_phone = "13900001111"
    sent = await profile.start_phone_change(
        services, user_id=10, citizen=citizen, new_phone=new_phone, language=Language.EN
    )
    assert sent.outcome == SendOutcome.SENT
    assert [p for p, _ in (await sms_of(services)).sent] == [new_phone]
    wrong = await profile.confirm_phone_change(
        services,
        user_id=10,
        id_number=LI.id_number,
        code="999999" if (await sms_of(services)).last_code(new_phone) != "999999" else "888888",
    )
    assert wrong.outcome == CheckOutcome.WRONG
    assert (await services.repos.citizens.by_id_number(LI.id_number)).phone == LI.phone  # type: ignore[union-attr]
    ok = await profile.confirm_phone_change(
        services, user_id=10, id_number=LI.id_number, code=(await sms_of(services)).last_code(new_phone)
    )
    assert ok.outcome == CheckOutcome.OK
    assert (await services.repos.citizens.by_id_number(LI.id_number)).phone == new_phone  # type: ignore[union-attr]


async def test_address_change(services: Services) -> None:
    updated = await profile.change_address(services, ZHANG.id_number, "  北京市朝阳区建国路 88号 ", "１０００２２")
    assert (
        updated is not None and updated.mailing_address == "北京市朝阳区建国路 88号" and updated.postal_code == "100022"
    )
    with pytest.raises(ValueError):
        await profile.change_address(services, ZHANG.id_number, "北京市朝阳区建国路88号", "10002")


async def test_purposes_do_not_share_codes(services: Services) -> None:
    phone_codes = OneTimeCodes(services, Purpose.PHONE)
    assert await phone_codes.pending_subject(11) is None
    await identity.start_binding(services, user_id=11, name=ZHANG.name, id_number=ZHANG.id_number, language=Language.EN)
    assert await phone_codes.pending_subject(11) is None
    assert await OneTimeCodes(services, Purpose.BIND).pending_subject(11) == ZHANG.id_number


@given(raw=st.text(max_size=12))
def test_normalize_code(raw: str) -> None:
    code = identity.normalize_code(raw)
    if code is not None:
        assert len(code) == 6 and code.isdigit() and code.isascii()


def test_codes_and_names() -> None:
    assert identity.normalize_code(" １２３ ４５６ ") == "123456"
    assert identity.normalize_code("12345") is None and identity.normalize_code("12345a") is None
    assert identity.names_match(" 张 伟", "张伟") and identity.names_match("zhang wei", "Zhang Wei")
    assert not identity.names_match("张玮", "张伟") and not identity.names_match("", "张伟")
    assert identity.explain_name("张伟") is None and identity.explain_name("Zhang Wei") is None
    assert identity.explain_name("张") == "identity-error-name"
    assert identity.explain_name("110105194912310") == "identity-error-name"
    codes = {identity.generate_code() for _ in range(200)}
    assert all(len(c) == 6 and c.isdigit() for c in codes) and len(codes) > 150


# --- the HTTP SMS gateway --------------------------------------------------------------------------


@pytest.fixture
async def sms_server() -> AsyncIterator[tuple[str, list[dict[str, object]], list[int]]]:
    """A real HTTP endpoint that records requests and answers with queued statuses (then 201)."""
    received: list[dict[str, object]] = []
    statuses: list[int] = []

    async def handler(request: web.Request) -> web.Response:
        received.append({"json": await request.json(), "auth": request.headers.get("Authorization")})
        return web.json_response({}, status=statuses.pop(0) if statuses else 201)

    app = web.Application()
    app.router.add_post("/sms", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield f"http://127.0.0.1:{port}/sms", received, statuses
    await runner.cleanup()


async def test_http_gateway_posts_json_with_bearer_and_retries_5xx(
    sms_server: tuple[str, list[dict[str, object]], list[int]],
) -> None:
    url, received, statuses = sms_server
    gateway = HttpSmsGateway(url, token=SecretStr("s3cret"), backoff=0.01)
    statuses.extend([503, 502])
    await gateway.send("13800138000", "code 123456")
    assert len(received) == 3
    assert received[-1] == {"json": {"phone": "13800138000", "text": "code 123456"}, "auth": "Bearer s3cret"}
    statuses.extend([400])
    with pytest.raises(SmsDeliveryError):
        await gateway.send("13800138000", "x")  # a 4xx is not retried
    assert len(received) == 4
    statuses.extend([500, 500, 500])
    with pytest.raises(SmsDeliveryError):
        await gateway.send("13800138000", "x")  # bounded: 3 attempts
    assert len(received) == 7
    await gateway.close()


async def test_http_gateway_connection_refused_is_a_delivery_error() -> None:
    gateway = HttpSmsGateway(f"http://127.0.0.1:{free_port()}/sms", attempts=2, backoff=0.01, timeout=1.0)
    with pytest.raises(SmsDeliveryError):
        await gateway.send("13800138000", "x")
    await gateway.close()


def test_gateway_choice_by_mode() -> None:
    sandbox = build_sms_gateway(Settings(_env_file=None, http_port=8123))  # type: ignore[call-arg]
    assert sandbox is not None and sandbox.url == "http://127.0.0.1:8123/sandbox/api/sms"
    token = "123456:" + "A" * 30
    production = build_sms_gateway(
        Settings(
            _env_file=None,
            telegram_token=token,  # type: ignore[call-arg]
            sms_gateway_url="https://sms.example.gov.cn/send",
        )
    )
    assert production is not None and production.url == "https://sms.example.gov.cn/send"
    assert build_sms_gateway(Settings(_env_file=None, telegram_token=token)) is None  # type: ignore[call-arg]
