"""decide(), detect_language() and NluResult.from_rasa()."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.language import detect as detect_language
from nlu.client import Decision, Entity, NluResult, decide

THRESHOLD = 0.7
BAND = 0.1


def result(*ranking: tuple[str, float], intent: str | None = None) -> NluResult:
    top = ranking[0] if ranking else (None, 0.0)
    return NluResult(
        text="x",
        intent=intent if intent is not None else top[0],
        confidence=top[1],
        ranking=tuple(ranking),
        entities=(),
    )


def test_act_above_threshold_and_clear_of_the_runner_up() -> None:
    d = decide(result(("license_status", 0.91), ("vehicle_status", 0.05)), threshold=THRESHOLD, ambiguity_band=BAND)
    assert d == Decision(kind="act", intent="license_status", confidence=0.91)


def test_clarify_when_the_top_two_are_close() -> None:
    d = decide(
        result(("elicense_apply", 0.46), ("elicense_eligibility", 0.41), ("greet", 0.02)),
        threshold=THRESHOLD,
        ambiguity_band=BAND,
    )
    assert d.kind == "clarify"
    assert d.options == ("elicense_apply", "elicense_eligibility")
    assert d.intent is None


def test_close_but_both_weak_is_not_understood() -> None:
    d = decide(result(("greet", 0.3), ("thanks", 0.25), ("deny", 0.2)), threshold=THRESHOLD, ambiguity_band=BAND)
    assert d.kind == "not_understood"


def test_below_threshold_and_clear_is_not_understood() -> None:
    d = decide(result(("greet", 0.6), ("thanks", 0.1)), threshold=THRESHOLD, ambiguity_band=BAND)
    assert d.kind == "not_understood"


def test_no_clarification_offered_with_out_of_scope() -> None:
    d = decide(result(("out_of_scope", 0.45), ("violation_lookup", 0.42)), threshold=THRESHOLD, ambiguity_band=BAND)
    assert d.kind == "not_understood"


def test_out_of_scope_above_threshold_is_acted_on() -> None:
    d = decide(result(("out_of_scope", 0.95), ("greet", 0.01)), threshold=THRESHOLD, ambiguity_band=BAND)
    assert d == Decision(kind="act", intent="out_of_scope", confidence=0.95)


def test_nlu_fallback_is_looked_through() -> None:
    # FallbackClassifier (threshold 0.8 in Rasa) put nlu_fallback first; the bot's threshold is 0.7.
    r = result(("nlu_fallback", 0.8), ("faq_health_exam", 0.75), ("faq_license_renewal", 0.1), intent="nlu_fallback")
    assert decide(r, threshold=THRESHOLD, ambiguity_band=BAND) == Decision(
        kind="act", intent="faq_health_exam", confidence=0.75
    )


def test_only_nlu_fallback_or_nothing_is_not_understood() -> None:
    assert decide(result(("nlu_fallback", 0.3)), threshold=THRESHOLD, ambiguity_band=BAND).kind == "not_understood"
    assert decide(result(), threshold=THRESHOLD, ambiguity_band=BAND).kind == "not_understood"


def test_missing_ranking_uses_the_intent() -> None:
    r = NluResult(text="x", intent="greet", confidence=0.9, ranking=(), entities=())
    assert decide(r, threshold=THRESHOLD, ambiguity_band=BAND).intent == "greet"


INTENTS = ["greet", "help", "license_status", "vehicle_status", "out_of_scope", "complaint_file"]


@st.composite
def rankings(draw: st.DrawFn) -> list[tuple[str, float]]:
    names = draw(st.lists(st.sampled_from(INTENTS), min_size=1, max_size=len(INTENTS), unique=True))
    weights = draw(st.lists(st.floats(0.001, 1.0), min_size=len(names), max_size=len(names)))
    total = sum(weights)
    pairs = [(n, w / total) for n, w in zip(names, weights, strict=True)]
    return sorted(pairs, key=lambda p: p[1], reverse=True)


@given(rankings(), st.floats(0.3, 0.95), st.floats(0.0, 0.3))
def test_decision_invariants(ranking: list[tuple[str, float]], threshold: float, band: float) -> None:
    d = decide(result(*ranking), threshold=threshold, ambiguity_band=band)
    top, top_conf = ranking[0]
    if d.kind == "act":
        assert d.intent == top and top_conf >= threshold
        assert len(ranking) == 1 or top_conf - ranking[1][1] >= band
    elif d.kind == "clarify":
        assert d.options == (ranking[0][0], ranking[1][0])
        assert top_conf - ranking[1][1] < band
        assert "out_of_scope" not in d.options
    else:
        assert d.intent is None and d.options == ()
    # The verdict is the same when Rasa's FallbackClassifier put nlu_fallback in front.
    with_fallback = result(("nlu_fallback", threshold), *ranking, intent="nlu_fallback")
    assert decide(with_fallback, threshold=threshold, ambiguity_band=band) == d


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("查一下京A12345的违章", "zh"),
        ("my plate 京A12345", "en"),  # a plate is not Chinese writing
        ("晋T-7N875 keeps parking on the sidewalk", "en"),
        ("京a·12345 有违章吗", "zh"),
        ("京A12345", "zh"),  # nothing but a plate
        ("京A12345 粤B12345 !", "zh"),
        ("why can't I get the electronic license", "en"),
        ("", "en"),
        ("ｈｅｌｌｏ １２３", "en"),  # full-width Latin is not Chinese script
        ("こんにちは", "en"),  # kana only, no ideograph
        ("𠀀", "zh"),  # CJK extension B
    ],
)
def test_detect_language_examples(text: str, lang: str) -> None:
    assert detect_language(text) == lang


@given(st.text(alphabet=st.characters(max_codepoint=0x2FFF)))
def test_text_without_ideographs_is_english(text: str) -> None:
    assert detect_language(text) == "en"


@given(st.text(), st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), st.text())
def test_any_ideograph_outside_a_plate_makes_it_chinese(before: str, ideograph: str, after: str) -> None:
    # The ideograph stands between spaces, so it cannot be the province of a plate.
    assert detect_language(before + " " + ideograph + " " + after) == "zh"


def test_from_rasa_payload() -> None:
    # The shape `rasa run --enable-api` 3.6 answers on POST /model/parse.
    payload = {
        "text": "查询京A12345的违章",
        "intent": {"name": "violation_lookup", "confidence": 0.91},
        "entities": [
            {"entity": "plate_number", "start": 2, "end": 9, "value": "京A12345", "extractor": "RegexEntityExtractor"},
            {
                "entity": "plate_number",
                "start": 2,
                "end": 9,
                "value": "京A12345",
                "extractor": "DIETClassifier",
                "confidence_entity": 0.99,
            },
        ],
        "text_tokens": [[0, 12]],
        "intent_ranking": [
            {"name": "violation_lookup", "confidence": 0.91},
            {"name": "greet", "confidence": 0.05},
        ],
    }
    r = NluResult.from_rasa("查询京A12345的违章", payload)
    assert r.intent == "violation_lookup" and r.confidence == 0.91
    assert r.ranking == (("violation_lookup", 0.91), ("greet", 0.05))
    assert r.entities[0] == Entity("plate_number", "京A12345", 2, 9, "RegexEntityExtractor")
    assert len(r.entities) == 2


def test_from_rasa_without_intent() -> None:
    r = NluResult.from_rasa("hi", {"text": "hi", "intent": None, "entities": []})
    assert r.intent is None and r.confidence == 0.0 and r.ranking == ()
