from tests.handlers.conftest import MakePerson, Bind
from storage.seed import DEMO_IDENTITIES

async def test_probe(person: MakePerson, bind: Bind) -> None:
    alice = person()
    r = await alice.send("/start")
    print("START", r.texts, [m.reply_markup for m in r.sent])
    r2 = await alice.press(r.last, "🔎 Information inquiry")
    print("SECTION", r2.methods)
    r3 = await alice.send("hello there")
    print("FREE", r3.texts)
    await bind(alice, DEMO_IDENTITIES[0])
    r4 = await alice.press(r2.last, "🚦 Violations")
    print("VIO", r4.texts, r4.last.reply_markup)
    r5 = await alice.press(r4.last, "Next ▶")
    print("VIO2", r5.methods)
    assert False
