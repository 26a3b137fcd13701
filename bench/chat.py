"""`python bot.py bench chat`: the chat bot under load, as the bureau would see it on a busy morning.

Set-up (not measured), every piece in a process of its own as an operator runs it:

- the Telegram sandbox standalone (`python -m sandbox`) with Telegram's flood limits on: 30/s
  overall, 1/s per chat with a burst of 3 (with `--paid`: 1,000/s overall, and the app runs with
  PUSH_PAID_BROADCAST=true and PUSH_RATE=1000);
- embedded MongoDB (SecantusDB) and Redis of the bench's own (storage/embedded.py), in a work
  directory of their own, with the demo data set loaded;
- Rasa on the project's model (nlu/server.py, as `bot.py run` starts it), or none with `--nlu off`
  (NLU_URL then points at a closed port: the bot answers free text from its menu fallback);
- the app as `bot.py run [--processes N]`, in webhook mode (the sandbox POSTs every update to it).

Citizens are sandbox users, about half of them with Chinese language codes and, by default, half
of them bound to demo identities (their questions about licenses, vehicles and violations find
records). A turn is free text 60 % of the time (a question in the citizen's language, from the
list below) and a button press 40 % of the time (an inline button of the last bot message in
that chat, never one that leads to a person; /start or /menu when there is none).

- `--mode open` (the default): turns arrive at `--rate` per second (Poisson; `--arrivals even`
  spaces them evenly) for `--seconds`, whatever the bot's speed; each goes to an idle citizen
  (one whose previous turn was answered at least a think time ago). When every citizen is
  waiting, the turn is not offered and counted as such.
- `--mode closed --citizens N`: each citizen sends, waits for the first reply, thinks about a
  second (uniform 0.5-1.5 x `--think`) and sends again.

Before the load starts, `--broadcast K` notifications are queued in the outbox for K other
sandbox users bound to citizens of their own, so the push worker sends while citizens chat.

Measured from the sandbox's own record (its output feed, `GET /sandbox/api/feed`: every send,
edit and callback answer of the bot across all chats, stamped with the clock that enforced the
flood limits, read with one long poll): offered and answered turns per second; first-reply
latency from the citizen's send to the first bot message or edit in that chat (or a callback
answer with text); replies lost (not answered within `--drain` seconds after the load); 429s the
sandbox answered; the most sends in any one-second window (sliding over the sandbox's
timestamps); pushes delivered before, during and after the load; CPU seconds per process (from
/proc) over the load and CPU milliseconds per answered turn. The run fails (exit 1, "FOUND: ...")
when a reply was lost, a citizen's send failed, the sandbox answered 429, a one-second window held
more sends than the overall limit, or a push was not delivered by the end of the drain.

What to know when reading the figures:
- A bot message of the previous turn that arrives after the citizen's next send counts as that
  turn's reply; the think time (at least half a second after a reply) keeps this rare.
- Pushes go to citizens of their own, so a push is never taken for a reply; the chatting citizens'
  notifications are off (and PUSH_REMINDERS=false).
- With `--paid` the sandbox's overall limit is 1,000/s for every send, as in `bench handoff`, so
  what is measured is the app's throughput; the report counts the sends that carried
  allow_paid_broadcast beside the others.
- The machine is shared by everything the bench starts (app, Rasa, MongoDB, Redis, the sandbox
  and the bench itself, whose CPU is reported too) and by anything else running: the load
  average before and after is in the report.
"""

from __future__ import annotations

import asyncio
import heapq
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp

from core.config import Settings
from core.language import Language
from core.processes import Child, ChildFailedToStart, Supervisor, free_port
from nlu.server import start_nlu_server
from sandbox.client import SandboxClient, SandboxError
from storage.embedded import start_mongo, start_redis
from storage.models import LOCAL_TZ, Citizen, Notification, NotificationPreferences, NotificationType, TelegramBinding
from storage.mongo import connect_mongo
from storage.repositories import Repositories
from storage.seed import build_demo_data, load_demo_data

REPO = Path(__file__).resolve().parent.parent
BOT_PY = REPO / "bot.py"
DB_NAME = "bench_chat"
REDIS_PREFIX = "benchchat"
WEBHOOK_PATH = "/telegram/webhook"
BOT_TOKEN = "123456789:BenchChatBenchChatBenchChatBench0"  # the sandbox accepts any well-formed token
CLOSED_PORT_URL = "http://127.0.0.1:9"  # --nlu off: nothing listens there, the bot falls back to its menu
FREE_RATE = 30.0  # Telegram: about 30 messages per second per bot
PAID_RATE = 1000.0  # with allow_paid_broadcast
CHINESE_CODES = ("zh-hans", "zh-CN", "zh")  # the language codes Telegram clients send for Chinese
FIRST_PUSH_WAIT = 15.0  # seconds to wait for the broadcast to start before the load (sweep interval 5 s)

# Questions citizens ask in free text, in their language (license points, violations, vehicles,
# e-licenses, deliveries, the FAQ, greetings, opening hours); none asks for a person.
QUESTIONS: dict[Language, tuple[str, ...]] = {
    Language.EN: (
        "hello",
        "hi, good morning",
        "how many points are left on my driving licence",
        "is my driver's license still valid",
        "when does my license expire",
        "do I have any traffic violations",
        "are there unpaid fines on my car",
        "check my violations please",
        "what's the status of my vehicle",
        "is my car due for inspection",
        "can I get an electronic driver's license",
        "where is my mailed license",
        "how long is an electronic license valid",
        "do I need a health exam to renew my license",
        "how do I renew my driving licence",
        "when will my new plates arrive",
        "what are your opening hours",
        "what can you do",
        "show me the menu",
        "thanks a lot",
    ),
    Language.ZH: (
        "你好",
        "早上好",
        "我的驾照还剩多少分",
        "我的驾驶证还有效吗",
        "驾照什么时候到期",
        "我有没有违章记录",
        "查一下我的车有没有罚款",
        "帮我查违章",
        "我的车现在什么状态",
        "车辆年检到期了吗",
        "我可以申领电子驾驶证吗",
        "我的驾照寄到哪里了",
        "电子驾驶证有效期多久",
        "换证需要体检吗",
        "驾照怎么续期",
        "新车牌什么时候送到",
        "车管所几点开门",
        "你能做什么",
        "显示菜单",
        "谢谢",
    ),
}
COMMANDS = ("/start", "/menu")
# Buttons a benchmark citizen never presses: a person would take the conversation over (the bot
# is then silent by design), and unbinding would change who the citizen is.
NOT_PRESSED = ("go:human", "go:handoff_callback", "ho:", "go:unbind")
SELECTED = "• "  # a filter button already chosen (the list shows it): the bot rightly sends nothing


# --- configuration and records -----------------------------------------------------------------


@dataclass(frozen=True)
class ChatBenchConfig:
    mode: str = "open"  # "open" (fixed arrival rate) or "closed" (citizens wait, think, repeat)
    rate: float = 25.0  # open: turns per second offered
    seconds: float = 60.0  # how long the load lasts
    citizens: int | None = None  # default: open max(20, 10 x rate), closed 100
    think: float = 1.0  # seconds (closed: between a reply and the next turn; open: at least that)
    arrivals: str = "poisson"  # open: "poisson" or "even"
    text_share: float = 0.6  # the rest are button presses (or /start, /menu)
    bound_share: float = 0.5  # citizens bound to demo identities (at most one per identity)
    broadcast: int = 300  # notifications queued before the load
    drain: float = 60.0  # seconds after the load for the last replies (and pushes)
    processes: int | None = None  # passed as `bot.py run --processes N`
    paid: bool = False  # Telegram's paid-broadcast level (1,000/s) and PUSH_PAID_BROADCAST=true
    nlu: str = "on"  # "on" (Rasa, as `bot.py run` starts it, or NLU_URL) or "off"
    seed: int = 1
    workdir: Path | None = None  # default: a new temporary directory, removed after a clean run
    keep: bool = False  # keep the work directory (data and logs) even after a clean run
    json_out: Path | None = None

    @property
    def citizen_count(self) -> int:
        if self.citizens is not None:
            return self.citizens
        return max(20, round(10 * self.rate)) if self.mode == "open" else 100

    @property
    def global_limit(self) -> float:
        return PAID_RATE if self.paid else FREE_RATE


@dataclass
class Turn:
    chat_id: int
    kind: str  # "text", "button" or "command"
    sent_at: float  # Unix time just before the citizen's send
    what: str = ""  # the text sent or the callback data pressed
    answered_at: float | None = None  # the sandbox's time of the first bot message / edit after it
    done: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def latency(self) -> float | None:
        return None if self.answered_at is None else self.answered_at - self.sent_at


@dataclass
class BenchCitizen:
    chat_id: int
    lang: Language
    bound: bool
    last_message_id: int | None = None  # the last bot message in the chat ...
    buttons: tuple[str, ...] = ()  # ... and the callback data of its buttons a citizen may press
    pending: Turn | None = None
    turns: int = 0
    lost: int = 0


def pressable(markup: Any) -> tuple[str, ...]:
    """Callback data of the inline buttons a benchmark citizen may press."""
    if not isinstance(markup, dict):
        return ()
    found: list[str] = []
    for row in markup.get("inline_keyboard") or []:
        for button in row:
            data = button.get("callback_data") if isinstance(button, dict) else None
            text = str(button.get("text", "")) if isinstance(button, dict) else ""
            if text.startswith(SELECTED):  # the filter already shown: pressing it changes nothing
                continue
            if isinstance(data, str) and not data.startswith(NOT_PRESSED):
                found.append(data)
    return tuple(found)


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (0 when there are no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def max_in_window(times: Sequence[float], width: float = 1.0) -> int:
    """The most timestamps in any window [t, t + width), sliding over the timestamps themselves."""
    ordered = sorted(times)
    best = start = 0
    for end, at in enumerate(ordered):
        while ordered[start] <= at - width:
            start += 1
        best = max(best, end - start + 1)
    return best


def per_second(times: Sequence[float], start: float, end: float) -> list[int]:
    """Counts per whole second from `start` (the series in the JSON report)."""
    buckets = [0] * max(1, int(end - start) + 1)
    for at in times:
        if start <= at < end:
            buckets[int(at - start)] += 1
    return buckets


# --- CPU per process (Linux /proc) ------------------------------------------------------------


def _proc_table() -> dict[int, tuple[int, float]]:
    """Every process: pid -> (parent pid, CPU seconds used so far)."""
    ticks = os.sysconf("SC_CLK_TCK")
    table: dict[int, tuple[int, float]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        table[int(stat.parent.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / ticks)
    return table


def _tree(table: dict[int, tuple[int, float]], root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid in table:
            found.append(pid)
            todo.extend(children.get(pid, ()))
    return found


@dataclass(frozen=True)
class CpuSample:
    """CPU seconds so far of each process of each group (a group is a process and its descendants)."""

    per_pid: dict[str, dict[int, float]]
    wall: float

    @staticmethod
    def take(groups: dict[str, int], *, descendants: bool = True) -> CpuSample:
        table = _proc_table()
        per_pid: dict[str, dict[int, float]] = {}
        for name, root in groups.items():
            pids = _tree(table, root) if descendants and name != "bench" else [root]
            per_pid[name] = {pid: table[pid][1] for pid in pids if pid in table}
        return CpuSample(per_pid, time.monotonic())

    def since(self, earlier: CpuSample) -> dict[str, float]:
        """CPU seconds used by each group between the samples (a process started since counts whole)."""
        used: dict[str, float] = {}
        for name, pids in self.per_pid.items():
            before = earlier.per_pid.get(name, {})
            used[name] = sum(max(0.0, seconds - before.get(pid, 0.0)) for pid, seconds in pids.items())
        return used


# --- the processes ------------------------------------------------------------------------------


async def _http_ok(url: str, timeout: float = 2.0) -> bool:
    async with (
        aiohttp.ClientSession() as http,
        http.get(url, timeout=aiohttp.ClientTimeout(total=timeout)) as response,
    ):
        return response.status == 200


def run_supports_processes() -> bool:
    """Does this tree's `bot.py run` take `--processes N` (issue 10, another change)?"""
    answer = subprocess.run(
        [sys.executable, str(BOT_PY), "run", "--help"],
        check=False,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return "--processes" in answer.stdout


@dataclass
class Stage:
    """The processes of one run, started in order and stopped in reverse (the app first)."""

    config: ChatBenchConfig
    workdir: Path
    supervisor: Supervisor = field(default_factory=Supervisor)
    pids: dict[str, int] = field(default_factory=dict)  # group name -> root process id
    sandbox_url: str = ""
    app_url: str = ""
    mongo_url: str = ""
    redis_url: str = ""
    nlu_url: str = ""
    app: Child | None = None

    @property
    def logs(self) -> Path:
        return self.workdir / "logs"

    async def start_servers(self, settings: Settings, *, rasa_bin: Path, models_dir: Path) -> None:
        """MongoDB, Redis, Rasa (if wanted) and the sandbox, at the same time."""
        cfg = self.config
        sandbox_port = free_port()
        limit = cfg.global_limit
        sandbox_argv = [sys.executable, "-m", "sandbox", "--port", str(sandbox_port)]
        if cfg.paid:
            sandbox_argv += ["--global-rate", str(limit), "--global-burst", str(int(limit))]
            sandbox_argv += ["--paid-rate", str(PAID_RATE), "--paid-burst", str(int(PAID_RATE))]
        self.sandbox_url = f"http://127.0.0.1:{sandbox_port}/sandbox"

        async def sandbox_ready() -> bool:
            return await _http_ok(f"{self.sandbox_url}/api/limits")

        async def nlu() -> str:
            if cfg.nlu == "off":
                return CLOSED_PORT_URL
            if settings.nlu_url is not None:  # a Rasa server of the operator's: not measured
                return settings.nlu_url
            if not rasa_bin.exists():
                raise ChildFailedToStart(
                    "nlu (Rasa)", f"{rasa_bin} is missing (make venv-rasa, or --nlu off)", self.logs / "rasa.log"
                )
            print("starting Rasa (trains first when nlu/ changed: a few minutes)", flush=True)
            child = await start_nlu_server(
                self.supervisor, models_dir=models_dir, rasa_bin=rasa_bin, log_path=self.logs / "rasa.log"
            )
            self.pids["rasa"] = child.pid
            return child.url

        mongo, redis, sandbox, nlu_url = await asyncio.gather(
            start_mongo(self.supervisor, self.workdir),
            start_redis(self.supervisor, self.workdir),
            self.supervisor.start(
                "sandbox",
                sandbox_argv,
                url=self.sandbox_url,
                log_path=self.logs / "sandbox.log",
                ready=sandbox_ready,
                timeout=60,
                cwd=REPO,
            ),
            nlu(),
        )
        self.pids.update({"mongodb": mongo.pid, "redis": redis.pid, "sandbox": sandbox.pid})
        self.mongo_url, self.redis_url, self.nlu_url = mongo.url, redis.url, nlu_url

    async def start_app(self, settings: Settings) -> None:
        """`bot.py run` in webhook mode against the sandbox and the bench's servers."""
        cfg = self.config
        port = free_port()
        self.app_url = f"http://127.0.0.1:{port}"
        secret = uuid.uuid4().hex
        env = {
            # The sandbox as a self-hosted Bot API server (webhooks to http:// are fine there); not
            # the app's sandbox mode, which would mount (or, with --processes, start) one of its own.
            "TELEGRAM_TOKEN": BOT_TOKEN,
            "TELEGRAM_API_URL": self.sandbox_url,
            "SMS_GATEWAY_URL": f"{self.sandbox_url}/api/sms",
            "WEBHOOK_URL": f"{self.app_url}{WEBHOOK_PATH}",
            "WEBHOOK_SECRET": secret,
            "MONGO_URL": self.mongo_url,
            "MONGO_DB": DB_NAME,
            "REDIS_URL": self.redis_url,
            "REDIS_PREFIX": REDIS_PREFIX,
            "NLU_URL": self.nlu_url,
            "HTTP_HOST": "127.0.0.1",
            "HTTP_PORT": str(port),
            "PUBLIC_URL": "",
            "DATA_DIR": str(self.workdir / "app"),
            "DEMO_DATA": "false",  # the bench loaded it
            "LOG_FORMAT": "json",
            "LOG_LEVEL": settings.log_level.value,
            "PUSH_REMINDERS": "false",
            "PUSH_PAID_BROADCAST": "true" if cfg.paid else "false",
        }
        if cfg.paid and "PUSH_RATE" not in os.environ:
            env["PUSH_RATE"] = str(PAID_RATE)
        argv = [sys.executable, str(BOT_PY), "run"]
        if cfg.processes is not None:
            argv += ["--processes", str(cfg.processes)]

        async def ready() -> bool:
            return await _http_ok(f"{self.app_url}/healthz")

        self.app = await self.supervisor.start(
            "app", argv, url=self.app_url, log_path=self.logs / "app.log", ready=ready, timeout=180, env=env, cwd=REPO
        )
        self.pids["app"] = self.app.pid

    async def stop(self) -> None:
        await self.supervisor.stop_all(grace=30.0)  # reverse order: the app drains first


# --- preparing the data (not measured) ----------------------------------------------------------


async def prepare_data(
    repos: Repositories, citizens: list[BenchCitizen], push_chats: list[int], *, bound_share: float
) -> list[str]:
    """Demo data, chatting citizens bound to demo identities (no pushes for them), and push
    recipients bound to citizens of their own. Returns the push recipients' ID numbers."""
    today = datetime.now(LOCAL_TZ).date()
    now = datetime.now(UTC)
    await repos.ensure_indexes()
    await load_demo_data(repos, today=today)
    identities = [c.id_number for c in build_demo_data(today).citizens]
    silent = NotificationPreferences(disabled_types=list(NotificationType))
    wanted = min(len(identities), round(bound_share * len(citizens)))
    for citizen, id_number in zip(citizens[:wanted], identities, strict=False):
        await repos.citizens.bind(
            id_number, user_id=citizen.chat_id, chat_id=citizen.chat_id, language=citizen.lang, now=now
        )
        await repos.citizens.set_preferences(citizen.chat_id, silent)
        citizen.bound = True
    prefs = NotificationPreferences(quiet_hours=False)
    id_numbers = [f"P{index:017d}" for index in range(len(push_chats))]
    recipients = [
        Citizen(
            id_number=id_number,
            name=f"Push recipient {index}",
            phone="13800000000",
            mailing_address="-",
            postal_code="100000",
            city="beijing",
            created_at=now,
            telegram=TelegramBinding(
                user_id=chat_id,
                chat_id=chat_id,
                language=Language.ZH if index % 2 else Language.EN,
                bound_at=now,
                preferences=prefs,
            ),
        )
        for index, (id_number, chat_id) in enumerate(zip(id_numbers, push_chats, strict=True))
    ]
    if recipients:
        await repos.citizens.insert_many(recipients)
    return id_numbers


async def queue_broadcast(repos: Repositories, id_numbers: list[str]) -> None:
    """One notification each, in the outbox (the relay hands them to the push stream)."""
    now = datetime.now(UTC)
    notifications = [
        Notification(
            type=NotificationType.LICENSE_MAILED,
            citizen_id_number=id_number,
            payload={"courier": "EMS", "tracking_number": f"EA{index:09d}CN", "mailed_at": now.isoformat()},
            dedupe_key=f"bench-chat:{uuid.uuid4().hex}",
            created_at=now,
            updated_at=now,
        )
        for index, id_number in enumerate(id_numbers)
    ]
    if notifications:
        await repos.notifications.insert_many(notifications)


# --- the run ------------------------------------------------------------------------------------


class Recorder:
    """Follows the sandbox's output feed: answers turns, tracks each chat's last buttons, keeps the
    timestamps of every send and edit, and counts pushes."""

    def __init__(self, citizens: dict[int, BenchCitizen], push_chats: set[int]) -> None:
        self.citizens = citizens
        self.push_chats = push_chats
        self.sends: list[float] = []  # sends counted against the overall limit (not paid)
        self.paid_sends: list[float] = []  # sends with allow_paid_broadcast
        self.edits: list[float] = []
        self.push_times: list[float] = []
        self.pushed: Counter[int] = Counter()  # push chat -> messages received
        self.cursor = 0
        self.missed = 0  # feed entries the sandbox had forgotten before they were read
        self.on_answer: Callable[[BenchCitizen], None] = lambda _citizen: None

    def handle(self, entry: dict[str, Any]) -> None:
        kind, chat_id, at = entry["type"], int(entry["chat_id"]), float(entry["at"])
        if kind == "message":
            (self.paid_sends if entry.get("paid") else self.sends).append(at)
        elif kind == "edit":
            self.edits.append(at)
        if chat_id in self.push_chats:
            if kind == "message":
                self.push_times.append(at)
                self.pushed[chat_id] += 1
            return
        citizen = self.citizens.get(chat_id)
        if citizen is None:
            return
        if kind == "message":
            citizen.last_message_id = int(entry["message_id"])
            citizen.buttons = pressable(entry.get("reply_markup"))
        elif kind == "edit" and entry.get("message_id") == citizen.last_message_id:
            citizen.buttons = pressable(entry.get("reply_markup"))
        answers = kind in ("message", "edit") or (kind == "callback_answer" and bool(entry.get("text")))
        turn = citizen.pending
        if answers and turn is not None and at >= turn.sent_at:
            turn.answered_at = at
            citizen.pending = None
            turn.done.set()
            self.on_answer(citizen)

    async def read(self, sandbox: SandboxClient, timeout: float) -> int:
        entries, cursor, first = await sandbox.feed(self.cursor, timeout=timeout)
        if first > self.cursor + 1:
            self.missed += first - self.cursor - 1
        for entry in entries:
            self.handle(entry)
        self.cursor = cursor
        return len(entries)

    async def follow(self, sandbox: SandboxClient, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.read(sandbox, 0.5)
            except (aiohttp.ClientError, TimeoutError) as exc:  # a slow sandbox: read again
                print(f"note: reading the sandbox feed failed ({exc!r}); again", flush=True)
                await asyncio.sleep(0.2)
        while await self.read(sandbox, 0):
            pass  # read what is left until the feed has nothing more


@dataclass
class LoadResult:
    turns: list[Turn]
    not_offered: int
    send_errors: int
    started: float  # Unix time the load started
    ended: float  # ... and ended (the measured window)
    lag: float  # open mode: how far the bench fell behind its own arrival schedule at worst


class Load:
    """Offers the turns (open or closed loop) and sends them as the citizens."""

    def __init__(
        self, config: ChatBenchConfig, sandbox: SandboxClient, citizens: dict[int, BenchCitizen], recorder: Recorder
    ) -> None:
        self.config = config
        self.sandbox = sandbox
        self.citizens = citizens
        self.recorder = recorder
        self.rng = random.Random(config.seed)
        self.turns: list[Turn] = []
        self.send_errors = 0
        self.tasks: set[asyncio.Task[None]] = set()
        self.loops: list[asyncio.Task[None]] = []  # closed mode: the citizens, waiting for their last replies

    def think_time(self) -> float:
        return self.config.think * self.rng.uniform(0.5, 1.5)

    async def take_turn(self, citizen: BenchCitizen) -> Turn | None:
        """One turn of this citizen; None when the sandbox refused the send (counted)."""
        rng = self.rng
        if rng.random() < self.config.text_share:
            kind, text, data = "text", rng.choice(QUESTIONS[citizen.lang]), ""
        elif citizen.buttons and citizen.last_message_id is not None:
            kind, text, data = "button", "", rng.choice(citizen.buttons)
        else:
            kind, text, data = "command", rng.choice(COMMANDS), ""
        message_id = citizen.last_message_id
        turn = Turn(citizen.chat_id, kind, time.time(), what=data or text)
        citizen.pending = turn
        try:
            if kind == "button":
                assert message_id is not None
                try:
                    await self.sandbox.press_button(citizen.chat_id, message_id, data)
                except SandboxError:  # the message changed meanwhile: the citizen opens the menu instead
                    turn.kind, turn.what, turn.sent_at = "command", "/menu", time.time()
                    await self.sandbox.send_text(citizen.chat_id, "/menu")
            else:
                await self.sandbox.send_text(citizen.chat_id, text)
        except (SandboxError, aiohttp.ClientError, TimeoutError) as exc:
            if citizen.pending is turn:
                citizen.pending = None
            self.send_errors += 1
            if self.send_errors <= 5:
                print(f"note: a citizen's send failed: {exc!r}", flush=True)
            return None
        citizen.turns += 1
        self.turns.append(turn)
        return turn

    def _spawn(self, citizen: BenchCitizen) -> None:
        async def go() -> None:
            if await self.take_turn(citizen) is None:
                self.recorder.on_answer(citizen)  # the send failed: idle again after a pause

        task = asyncio.create_task(go())
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def run_open(self) -> LoadResult:
        cfg, rng = self.config, self.rng
        loop = asyncio.get_running_loop()
        idle = list(self.citizens)
        rng.shuffle(idle)
        resting: list[tuple[float, int]] = []  # (loop time when idle again, chat id)
        self.recorder.on_answer = lambda c: heapq.heappush(resting, (loop.time() + self.think_time(), c.chat_id))
        not_offered, lag = 0, 0.0
        started_wall, start = time.time(), loop.time()
        end = start + cfg.seconds
        next_at = start
        while True:
            next_at += rng.expovariate(cfg.rate) if cfg.arrivals == "poisson" else 1.0 / cfg.rate
            if next_at >= end:
                break
            delay = next_at - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            else:
                lag = max(lag, -delay)
            now = loop.time()
            while resting and resting[0][0] <= now:
                idle.append(heapq.heappop(resting)[1])
            if not idle:
                not_offered += 1
                continue
            pick = rng.randrange(len(idle))
            idle[pick], idle[-1] = idle[-1], idle[pick]
            self._spawn(self.citizens[idle.pop()])
        await asyncio.sleep(max(0.0, end - loop.time()))
        ended_wall = time.time()
        if self.tasks:  # sends still in flight belong to the window
            await asyncio.gather(*self.tasks)
        return LoadResult(self.turns, not_offered, self.send_errors, started_wall, ended_wall, lag)

    async def run_closed(self) -> LoadResult:
        cfg = self.config
        loop = asyncio.get_running_loop()
        started_wall, start = time.time(), loop.time()
        end = start + cfg.seconds

        async def citizen_loop(citizen: BenchCitizen) -> None:
            await asyncio.sleep(self.rng.uniform(0, cfg.think))  # not all at the same instant
            while loop.time() < end:
                turn = await self.take_turn(citizen)
                if turn is not None:
                    try:
                        await asyncio.wait_for(turn.done.wait(), max(0.1, end + cfg.drain - loop.time()))
                    except TimeoutError:
                        return  # never answered: lost (counted from the turn)
                await asyncio.sleep(self.think_time())

        self.loops = [asyncio.create_task(citizen_loop(c)) for c in self.citizens.values()]
        await asyncio.sleep(cfg.seconds)
        ended_wall = time.time()
        # From now on no citizen starts a turn (the loops see the end); they wait for their replies.
        return LoadResult(self.turns, 0, self.send_errors, started_wall, ended_wall, 0.0)


async def drain(
    config: ChatBenchConfig,
    turns: list[Turn],
    recorder: Recorder,
    push_chats: set[int],
    loops: list[asyncio.Task[None]],
) -> float:
    """Wait for the last replies and pushes (at most `drain` seconds); returns the seconds waited."""
    started = time.monotonic()
    deadline = started + config.drain
    while time.monotonic() < deadline:
        answered = all(t.answered_at is not None for t in turns)
        pushed = len(recorder.pushed) >= len(push_chats)
        if answered and pushed:
            break
        await asyncio.sleep(0.2)
    for task in loops:
        task.cancel()
    await asyncio.gather(*loops, return_exceptions=True)
    return time.monotonic() - started


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def build_report(
    config: ChatBenchConfig,
    load: LoadResult,
    recorder: Recorder,
    *,
    citizens: dict[int, BenchCitizen],
    push_chats: set[int],
    cpu: dict[str, float],
    app_pids: list[int],
    stats_before: dict[str, Any],
    stats_after: dict[str, Any],
    drained: float,
    drain_end: float,
    load_average: tuple[float, float],
    processes_supported: bool,
) -> dict[str, Any]:
    window = max(1e-9, load.ended - load.started)
    turns = load.turns
    answered = [t for t in turns if t.latency is not None]
    latencies = [t.latency for t in answered if t.latency is not None]
    in_window = sum(1 for t in answered if t.answered_at is not None and t.answered_at < load.ended)
    lost = [t for t in turns if t.answered_at is None]
    for turn in lost:
        citizens[turn.chat_id].lost += 1
    by_kind: dict[str, Any] = {}
    for kind in ("text", "button", "command"):
        of_kind = [t.latency for t in answered if t.kind == kind and t.latency is not None]
        by_kind[kind] = {
            "turns": sum(1 for t in turns if t.kind == kind),
            "p50_ms": _ms(percentile(of_kind, 50)),
            "p99_ms": _ms(percentile(of_kind, 99)),
        }
    free_in_window = sum(1 for at in recorder.sends if load.started <= at < load.ended)
    paid_in_window = sum(1 for at in recorder.paid_sends if load.started <= at < load.ended)
    edits_in_window = sum(1 for at in recorder.edits if load.started <= at < load.ended)
    all_sends = recorder.sends + recorder.paid_sends
    pushes_before = sum(1 for at in recorder.push_times if at < load.started)
    pushes_during = sum(1 for at in recorder.push_times if load.started <= at < load.ended)
    pushes_after = sum(1 for at in recorder.push_times if at >= load.ended)
    too_many_before = int(stats_before.get("too_many_requests", 0))
    too_many_after = int(stats_after.get("too_many_requests", 0))
    server_groups = [name for name in cpu if name not in ("bench", "sandbox")]
    server_cpu = sum(cpu[name] for name in server_groups)
    per_turn = max(1, in_window)
    report: dict[str, Any] = {
        "command": "python bot.py bench chat " + " ".join(command_line(config)),
        "mode": config.mode,
        "seconds": round(window, 2),
        "citizens": len(citizens),
        "citizens_bound": sum(1 for c in citizens.values() if c.bound),
        "citizens_chinese": sum(1 for c in citizens.values() if c.lang == Language.ZH),
        "paid": config.paid,
        "nlu": config.nlu,
        "processes": config.processes,
        "processes_flag_supported": processes_supported,
        "app_pids": app_pids,
        "turns": {
            "target_rate": config.rate if config.mode == "open" else None,
            "offered": len(turns),
            "offered_per_s": round(len(turns) / window, 2),
            "not_offered_all_citizens_waiting": load.not_offered,
            "send_errors": load.send_errors,
            "answered_in_window": in_window,
            "answered_per_s": round(in_window / window, 2),
            "answered": len(answered),
            "lost": len(lost),
            "citizens_with_lost_replies": sum(1 for c in citizens.values() if c.lost),
            "citizens_who_chatted": sum(1 for c in citizens.values() if c.turns),
            "by_kind": by_kind,
            "bench_lag_ms": _ms(load.lag),
        },
        "first_reply_ms": {
            "p50": _ms(percentile(latencies, 50)),
            "p95": _ms(percentile(latencies, 95)),
            "p99": _ms(percentile(latencies, 99)),
            "max": _ms(max(latencies, default=0.0)),
            "mean": _ms(sum(latencies) / len(latencies)) if latencies else 0.0,
        },
        "sends": {
            "limit_per_s": config.global_limit,
            "max_in_1s_window": max_in_window(recorder.sends),
            "max_in_1s_window_incl_paid": max_in_window(all_sends),
            "max_in_1s_window_incl_edits": max_in_window(all_sends + recorder.edits),
            "mean_per_s_in_window": round((free_in_window + paid_in_window) / window, 2),
            "mean_free_per_s_in_window": round(free_in_window / window, 2),
            "sends": len(recorder.sends),
            "paid_sends": len(recorder.paid_sends),
            "edits": len(recorder.edits),
            "in_window": {"sends": free_in_window, "paid_sends": paid_in_window, "edits": edits_in_window},
            "per_second_in_window": per_second(all_sends, load.started, load.ended),
            "feed_entries_missed": recorder.missed,
        },
        "too_many_requests": {
            "during_run": too_many_after - too_many_before,
            "total": too_many_after,
            "status_codes": stats_after.get("status_codes", {}),
        },
        "pushes": {
            "queued": len(push_chats),
            "delivered_before": pushes_before,
            "delivered_during": pushes_during,
            "delivered_after": pushes_after,
            "undelivered": len(push_chats) - len(recorder.pushed),
            "duplicates": sum(n - 1 for n in recorder.pushed.values() if n > 1),
            "during_per_s": round(pushes_during / window, 2),
        },
        "drain_seconds": round(drained, 1),
        "run_seconds_after_load": round(drain_end - load.ended, 1),
        "cpu_seconds": {name: round(seconds, 2) for name, seconds in cpu.items()},
        "cpu_share_of_a_core": {name: round(seconds / window, 3) for name, seconds in cpu.items()},
        "cpu_ms_per_turn": {name: round(seconds * 1000 / per_turn, 2) for name, seconds in cpu.items()}
        | {"servers_total": round(server_cpu * 1000 / per_turn, 2)},
        "load_average": {"before": load_average[0], "after": load_average[1]},
        "cpus": os.cpu_count(),
    }
    report["ok"] = verdict(report)[0]
    return report


def verdict(report: dict[str, Any]) -> tuple[bool, list[str]]:
    """Correctness, whatever the speed: every turn answered, no 429, no window over the limit."""
    problems: list[str] = []
    if report["turns"]["lost"]:
        problems.append(f"{report['turns']['lost']} replies lost")
    if report["turns"]["send_errors"]:
        problems.append(f"{report['turns']['send_errors']} citizen sends failed")
    if report["too_many_requests"]["total"]:
        problems.append(f"{report['too_many_requests']['total']} x 429 from the sandbox")
    limit = report["sends"]["limit_per_s"]
    if report["sends"]["max_in_1s_window_incl_paid"] > limit:
        problems.append(f"{report['sends']['max_in_1s_window_incl_paid']} sends in one second (limit {limit:g})")
    if report["pushes"]["undelivered"]:
        problems.append(f"{report['pushes']['undelivered']} pushes undelivered")
    if report["sends"]["feed_entries_missed"]:
        problems.append(f"{report['sends']['feed_entries_missed']} feed entries missed (figures incomplete)")
    return not problems, problems


def print_report(report: dict[str, Any]) -> None:
    t, lat, s, p = report["turns"], report["first_reply_ms"], report["sends"], report["pushes"]
    tm, cpu = report["too_many_requests"], report["cpu_seconds"]
    target = f" (target {t['target_rate']:g}/s)" if t["target_rate"] is not None else ""
    limits = "paid broadcast (1,000/s)" if report["paid"] else "free limits (30/s)"
    lines = [f"bench chat: {report['command']}"]
    lines.append(
        f"  {report['mode']} loop, {report['seconds']:.1f} s, {report['citizens']} citizens "
        f"({report['citizens_chinese']} Chinese, {report['citizens_bound']} bound), NLU {report['nlu']}, "
        f"{limits}, app processes {report['processes'] or 1}, {report['cpus']} CPUs"
    )
    lines.append(
        f"  turns offered {t['offered']} = {t['offered_per_s']:.1f}/s{target}; not offered (all citizens "
        f"waiting) {t['not_offered_all_citizens_waiting']}; answered in the window {t['answered_in_window']} = "
        f"{t['answered_per_s']:.1f}/s; answered in all {t['answered']}"
    )
    lines.append(
        f"  first reply: p50 {lat['p50']:.0f} ms, p95 {lat['p95']:.0f} ms, p99 {lat['p99']:.0f} ms, "
        f"max {lat['max']:.0f} ms (mean {lat['mean']:.0f} ms)"
    )
    lines.append(
        f"  replies lost: {t['lost']} (citizens affected {t['citizens_with_lost_replies']} of "
        f"{t['citizens_who_chatted']}); citizen sends refused: {t['send_errors']}"
    )
    lines.append(f"  429s: {tm['during_run']} during the run ({tm['total']} in all)")
    if "updates" in report:
        u = report["updates"]
        lines.append(
            f"  updates: {u['created']} made by citizens, {u['webhook_deliveries']} webhook deliveries, "
            f"{u['webhook_failures']} failed deliveries, {u['pending_in_sandbox_at_end']} still queued in the sandbox"
            + (f" (last delivery error: {u['last_webhook_error']})" if u.get("last_webhook_error") else "")
        )
    lines.append(
        f"  sends/s: busiest 1-s window {s['max_in_1s_window_incl_paid']} (limit {s['limit_per_s']:g}; "
        f"{s['max_in_1s_window']} without allow_paid_broadcast, {s['max_in_1s_window_incl_edits']} with edits); "
        f"mean in the window {s['mean_per_s_in_window']:.1f}/s ({s['paid_sends']} paid sends, {s['edits']} edits "
        f"in all)"
    )
    lines.append(
        f"  pushes: {p['queued']} queued; delivered {p['delivered_before']} before, {p['delivered_during']} "
        f"during ({p['during_per_s']:.1f}/s), {p['delivered_after']} after the load; {p['undelivered']} "
        f"undelivered, {p['duplicates']} duplicates"
    )
    per_process = ", ".join(
        f"{name} {seconds:.1f} s ({report['cpu_share_of_a_core'][name]:.0%}, "
        f"{report['cpu_ms_per_turn'][name]:.1f} ms/turn)"
        for name, seconds in cpu.items()
    )
    lines.append(f"  CPU over the load: {per_process}")
    load = report["load_average"]
    lines.append(
        f"  servers (app, MongoDB, Redis, Rasa): {report['cpu_ms_per_turn']['servers_total']:.1f} ms CPU per "
        f"turn answered in the window; load average {load['before']:.2f} before, {load['after']:.2f} after"
    )
    for example in t.get("lost_examples", [])[:3]:
        seen = ", ".join(
            f"{e['type']}{' (bot)' if e['from_bot'] else ''} {e['after_ms']:+.0f} ms" for e in example["last_events"]
        )
        lines.append(
            f"  lost: chat {example['chat_id']} {example['kind']} {example['sent']!r}; its last events: {seen}"
        )
    if t["bench_lag_ms"] > 50:
        lines.append(f"  note: the bench fell {t['bench_lag_ms']:.0f} ms behind its own arrival schedule at worst")
    ok, problems = verdict(report)
    lines.append(
        "  OK: every turn answered, no 429, no window over the limit" if ok else "  FOUND: " + "; ".join(problems)
    )
    print("\n".join(lines), flush=True)


def command_line(config: ChatBenchConfig) -> list[str]:
    """The options of this run, as given on the command line (for the report)."""
    parts = ["--mode", config.mode]
    if config.mode == "open":
        parts += ["--rate", f"{config.rate:g}"]
    parts += ["--seconds", f"{config.seconds:g}", "--citizens", str(config.citizen_count)]
    parts += ["--broadcast", str(config.broadcast), "--nlu", config.nlu]
    if config.processes is not None:
        parts += ["--processes", str(config.processes)]
    if config.paid:
        parts.append("--paid")
    return parts


async def run_chat_bench(settings: Settings, config: ChatBenchConfig, *, rasa_bin: Path, models_dir: Path) -> int:
    if config.mode not in ("open", "closed") or config.arrivals not in ("poisson", "even"):
        raise ValueError("mode is open or closed; arrivals poisson or even")
    if config.rate <= 0 or config.seconds <= 0 or config.citizen_count < 1 or config.broadcast < 0:
        raise ValueError("rate, seconds and citizens must be positive, broadcast not negative")
    processes_supported = True
    if config.processes is not None:
        processes_supported = await asyncio.to_thread(run_supports_processes)
        if not processes_supported:
            print(
                "error: this tree's `bot.py run` has no --processes option yet; run without --processes",
                file=sys.stderr,
            )
            return 2
    own_workdir = config.workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="bench-chat-")) if config.workdir is None else config.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    stage = Stage(config, workdir)
    http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=256))
    mongo = None
    clean = False
    try:
        print(
            f"setting up in {workdir} (sandbox, MongoDB, Redis{', Rasa' if config.nlu == 'on' else ''}) ...", flush=True
        )
        await stage.start_servers(settings, rasa_bin=rasa_bin, models_dir=models_dir)
        sandbox = SandboxClient(stage.sandbox_url, session=http)
        rng = random.Random(config.seed)
        n = config.citizen_count
        chinese = n // 2
        english_ids = await sandbox.create_users_bulk(n - chinese, first_name="Citizen", language_code="en")
        chinese_ids: list[int] = []
        for index, code in enumerate(CHINESE_CODES):
            count = chinese // len(CHINESE_CODES) + (1 if index < chinese % len(CHINESE_CODES) else 0)
            if count:
                chinese_ids += await sandbox.create_users_bulk(count, first_name="市民", language_code=code)
        members = [BenchCitizen(c, Language.EN, False) for c in english_ids]
        members += [BenchCitizen(c, Language.ZH, False) for c in chinese_ids]
        rng.shuffle(members)  # bound and unbound citizens of both languages
        citizens = {c.chat_id: c for c in members}
        push_list = await sandbox.create_users_bulk(config.broadcast, first_name="Driver") if config.broadcast else []
        push_chats = set(push_list)
        mongo = connect_mongo(stage.mongo_url)
        repos = Repositories.from_db(mongo[DB_NAME])
        started = time.monotonic()
        push_ids = await prepare_data(repos, members, push_list, bound_share=config.bound_share)
        print(f"demo data and bindings ready in {time.monotonic() - started:.1f} s; starting the app ...", flush=True)
        await stage.start_app(settings)
        await wait_for_webhook(sandbox, f"{stage.app_url}{WEBHOOK_PATH}", stage.logs / "app.log")
        recorder = Recorder(citizens, push_chats)
        stop_feed = asyncio.Event()
        follower = asyncio.create_task(recorder.follow(sandbox, stop_feed))
        await queue_broadcast(repos, push_ids)
        if push_ids:
            await wait_first_push(recorder)
        app_pids = sorted(_tree(_proc_table(), stage.pids["app"]))
        groups = {"bench": os.getpid(), **stage.pids}
        stats_before = await sandbox.stats()
        load_before = os.getloadavg()[0]
        print(
            f"load: {' '.join(command_line(config))} (app pids {app_pids}) ...",
            flush=True,
        )
        runner = Load(config, sandbox, citizens, recorder)
        cpu_before = CpuSample.take(groups)
        result = await (runner.run_open() if config.mode == "open" else runner.run_closed())
        cpu = CpuSample.take(groups).since(cpu_before)
        load_after = os.getloadavg()[0]
        print(f"load over; draining (at most {config.drain:g} s) ...", flush=True)
        drained = await drain(config, result.turns, recorder, push_chats, runner.loops)
        drain_end = time.time()
        stop_feed.set()
        await follower
        stats_after = await sandbox.stats()
        pending_updates = sum(int(bot.get("pending_updates", 0)) for bot in await sandbox.bots())
        webhook_error = await last_webhook_error(http, stage.sandbox_url)
        lost_examples = await describe_lost(sandbox, result.turns)
        report = build_report(
            config,
            result,
            recorder,
            citizens=citizens,
            push_chats=push_chats,
            cpu=cpu,
            app_pids=app_pids,
            stats_before=stats_before,
            stats_after=stats_after,
            drained=drained,
            drain_end=drain_end,
            load_average=(load_before, load_after),
            processes_supported=processes_supported,
        )
        report["turns"]["lost_examples"] = lost_examples
        report["updates"] = {
            "created": int(stats_after.get("updates_created", 0)) - int(stats_before.get("updates_created", 0)),
            "webhook_deliveries": int(stats_after.get("webhook_deliveries", 0))
            - int(stats_before.get("webhook_deliveries", 0)),
            "webhook_failures": int(stats_after.get("webhook_failures", 0))
            - int(stats_before.get("webhook_failures", 0)),
            "pending_in_sandbox_at_end": pending_updates,
            "last_webhook_error": webhook_error,
        }
        print_report(report)
        if config.json_out is not None:
            config.json_out.parent.mkdir(parents=True, exist_ok=True)
            config.json_out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        clean = bool(report["ok"])  # a run that found something keeps its logs
        return 0 if report["ok"] else 1
    except ChildFailedToStart as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        await http.close()
        if mongo is not None:
            await mongo.close()
        await stage.stop()
        if own_workdir and clean and not config.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"data and logs kept in {workdir}", flush=True)


async def describe_lost(sandbox: SandboxClient, turns: list[Turn], limit: int = 5) -> list[dict[str, Any]]:
    """What the first few unanswered chats looked like in the sandbox (for the report: was nothing
    sent at all, or did the answer come before the turn?)."""
    examples: list[dict[str, Any]] = []
    for turn in [t for t in turns if t.answered_at is None][:limit]:
        events, _ = await sandbox.events(turn.chat_id)
        examples.append(
            {
                "chat_id": turn.chat_id,
                "kind": turn.kind,
                "sent": turn.what,
                "last_events": [
                    {
                        "type": event.type,
                        "after_ms": _ms(float(event.data.get("at", 0.0)) - turn.sent_at),
                        "text": (event.message.plain_text[:60] if event.message is not None else ""),
                        "from_bot": event.message.from_bot if event.message is not None else None,
                    }
                    for event in events[-6:]
                ],
            }
        )
    return examples


async def last_webhook_error(http: aiohttp.ClientSession, sandbox_url: str) -> str | None:
    """The sandbox's last failed webhook delivery, as Telegram's getWebhookInfo tells it."""
    async with http.get(f"{sandbox_url}/bot{BOT_TOKEN}/getWebhookInfo") as response:
        info = (await response.json()).get("result") or {}
    message = info.get("last_error_message")
    return str(message) if message else None


async def wait_for_webhook(sandbox: SandboxClient, url: str, log_path: Path, timeout: float = 60.0) -> None:
    """The app sets its webhook once it listens; updates go there from then on."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(bot.get("webhook_url") == url for bot in await sandbox.bots()):
            return
        await asyncio.sleep(0.2)
    raise ChildFailedToStart("app", f"no webhook set at {url} within {timeout:.0f} s", log_path)


async def wait_first_push(recorder: Recorder) -> None:
    """The broadcast is under way before the load starts (the relay sweeps every few seconds)."""
    deadline = time.monotonic() + FIRST_PUSH_WAIT
    while not recorder.push_times and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    if not recorder.push_times:
        print(f"note: no push delivered within {FIRST_PUSH_WAIT:g} s; starting the load anyway", flush=True)


__all__ = ["ChatBenchConfig", "run_chat_bench"]
