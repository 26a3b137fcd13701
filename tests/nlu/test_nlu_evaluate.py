"""The Rasa test-file parser and the metrics math (checked against hand-computed numbers)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlu.client import Decision, Entity
from nlu.dataset import AnnotatedEntity, parse_annotated, parse_test_file
from nlu.evaluate import EvalReport, build_report, check_thresholds, comparable_value, predicted_entity_set
from nlu.metrics import Outcome, PolicyStats, compute_section, policy_stats, scores


def test_parse_annotated_round_and_dict_forms() -> None:
    text, ents = parse_annotated(
        '查询[京A12345](plate_number)和[沪B·88888]{"entity": "plate_number", "value": "沪B88888"}'
    )
    assert text == "查询京A12345和沪B·88888"
    assert ents == (
        AnnotatedEntity("plate_number", "京A12345", 2, 9),
        AnnotatedEntity("plate_number", "沪B88888", 10, 18),
    )
    assert text[2:9] == "京A12345" and text[10:18] == "沪B·88888"


def test_parse_annotated_value_and_list_forms() -> None:
    text, ents = parse_annotated(
        'from [NYC](city:New York) to [LA][{"entity": "city"}, {"entity": "dest", "value": "Los Angeles"}]'
    )
    assert text == "from NYC to LA"
    assert ents == (
        AnnotatedEntity("city", "New York", 5, 8),
        AnnotatedEntity("city", "LA", 12, 14),
        AnnotatedEntity("dest", "Los Angeles", 12, 14),
    )


def test_parse_annotated_plain_text_and_brackets() -> None:
    assert parse_annotated("no entities [here] at all") == ("no entities [here] at all", ())


def test_parse_annotated_bad_json_is_an_error() -> None:
    with pytest.raises(ValueError, match="bad entity annotation"):
        parse_annotated('[x]{"entity": }')


def test_parse_test_file(tmp_path: Path) -> None:
    path = tmp_path / "test_nlu.yml"
    path.write_text(
        """\
version: "3.1"
nlu:
- intent: violation_lookup
  examples: |
    - 查一下[京A12345](plate_number)的违章
    - any fines on [沪B88888](plate_number)?
    - show my tickets - the ones from 2024
- intent: greet
  examples:
  - text: |
      hello
    metadata:
      sentiment: neutral
  - text: 你好
- regex: plate_number
  examples: |
    - [京沪][A-Z][0-9]{5}
- synonym: 京A12345
  examples: |
    - jing a 12345
- lookup: province
  examples: |
    - 京
""",
        encoding="utf-8",
    )
    examples = parse_test_file(path)
    assert [(e.intent, e.text) for e in examples] == [
        ("violation_lookup", "查一下京A12345的违章"),
        ("violation_lookup", "any fines on 沪B88888?"),
        ("violation_lookup", "show my tickets - the ones from 2024"),
        ("greet", "hello"),
        ("greet", "你好"),
    ]
    assert examples[1].entities == (AnnotatedEntity("plate_number", "沪B88888", 13, 20),)


def o(
    true: str,
    pred: str | None,
    lang: str = "en",
    t_ents: frozenset[tuple[str, str]] = frozenset(),
    p_ents: frozenset[tuple[str, str]] = frozenset(),
) -> Outcome:
    return Outcome(
        text=f"{true}->{pred}",
        language=lang,
        true_intent=true,
        predicted_intent=pred,
        confidence=0.5,
        true_entities=t_ents,
        predicted_entities=p_ents,
    )


def test_scores_math() -> None:
    s = scores(tp=3, fp=1, fn=2)
    assert s.precision == pytest.approx(0.75)
    assert s.recall == pytest.approx(0.6)
    assert s.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert (s.support, s.predicted) == (5, 4)
    assert scores(0, 0, 0).f1 == 0.0


def test_metrics_on_a_hand_computed_example() -> None:
    P, ID = "plate_number", "id_number"
    outcomes = [
        o("greet", "greet"),
        o("greet", "greet"),
        o("greet", "thanks"),
        o("thanks", "thanks"),
        o("thanks", "nlu_fallback"),
        o("out_of_scope", "nlu_fallback"),  # counts as correct
        o("out_of_scope", "greet"),
        o(
            "violation_lookup",
            "violation_lookup",
            t_ents=frozenset({(P, "京A12345"), (ID, "X")}),
            p_ents=frozenset({(P, "京A12345"), (P, "沪B88888")}),
        ),
    ]
    s = compute_section("overall", outcomes)
    # Correct: greet x2, thanks x1, out_of_scope x1, violation_lookup x1 -> 5 of 8.
    assert s.intent_accuracy == pytest.approx(5 / 8)
    # greet: tp 2, fp 1 (out_of_scope->greet), fn 1 -> p 2/3, r 2/3, f1 2/3
    # thanks: tp 1, fp 1 (greet->thanks), fn 1 (fallback) -> p 1/2, r 1/2, f1 1/2
    # out_of_scope: tp 1, fp 0, fn 1 -> p 1, r 1/2, f1 2/3
    # violation_lookup: tp 1 -> f1 1
    assert s.intents["greet"].f1 == pytest.approx(2 / 3)
    assert s.intents["thanks"].precision == pytest.approx(0.5)
    assert s.intents["thanks"].recall == pytest.approx(0.5)
    assert s.intents["out_of_scope"].recall == pytest.approx(0.5)
    assert s.intents["out_of_scope"].precision == pytest.approx(1.0)
    assert "nlu_fallback" not in s.intents
    assert s.intent_macro_f1 == pytest.approx((2 / 3 + 1 / 2 + 2 / 3 + 1) / 4)
    assert s.fallbacks == 2
    # plate: tp 1, fp 1 -> p 1/2, r 1; id: fn 1 -> 0
    assert s.entities[P].precision == pytest.approx(0.5)
    assert s.entities[P].recall == pytest.approx(1.0)
    assert s.entities[ID].recall == 0.0 and s.entities[ID].support == 1
    assert [(c.true, c.predicted, c.count) for c in s.confusions] == [
        ("greet", "thanks", 1),
        ("out_of_scope", "greet", 1),
        ("thanks", "nlu_fallback", 1),
    ]
    assert len(s.mistakes) == 3


def test_confusions_sorted_by_count() -> None:
    s = compute_section("x", [o("a", "b"), o("c", "d"), o("c", "d"), o("a", None)])
    assert [(c.true, c.predicted, c.count) for c in s.confusions] == [
        ("c", "d", 2),
        ("a", "<none>", 1),
        ("a", "b", 1),
    ]


def _passing_report() -> EvalReport:
    ents = frozenset(
        {
            ("plate_number", "京A12345"),
            ("id_number", "11010519491231002X"),
            ("ticket_id", "C261121-0042"),
            ("tracking_number", "EA123456789CN"),
        }
    )
    outcomes = [
        o("greet", "greet", "en", ents, ents),
        o("out_of_scope", "out_of_scope", "en"),
        o("greet", "greet", "zh"),
        o("out_of_scope", "nlu_fallback", "zh"),
    ]
    return build_report("t.yml", outcomes)


def test_check_thresholds_pass_and_fail() -> None:
    report = _passing_report()
    assert check_thresholds(report) == []
    assert set(report.languages) == {"en", "zh"}
    assert report.languages["zh"].intent_macro_f1 == 1.0

    bad = build_report(
        "t.yml",
        [
            o("greet", "greet", "en"),
            o("greet", "thanks", "en"),
            o("out_of_scope", "greet", "en"),
            o(
                "violation_lookup",
                "violation_lookup",
                "en",
                frozenset({("plate_number", "京A12345")}),
                frozenset({("plate_number", "京A12346")}),
            ),
        ],
    )
    failures = check_thresholds(bad)
    assert "no test examples in language 'zh'" in failures
    assert any(f.startswith("intent macro-F1 (en)") for f in failures)
    assert any(f.startswith("entity F1 (plate_number) 0.000") for f in failures)
    assert "no test examples for entity 'ticket_id'" in failures
    assert any(f.startswith("out_of_scope recall 0.000") for f in failures)


def test_report_json_and_table() -> None:
    report = _passing_report()
    data = json.loads(report.to_json())
    assert data["overall"]["examples"] == 4
    assert data["languages"]["zh"]["fallbacks"] == 1
    assert data["overall"]["entities"]["plate_number"]["f1"] == 1.0
    table = report.format_table()
    for needle in ("overall", "[en] intents", "[zh] entities", "plate_number", "Confusions"):
        assert needle in table


def test_comparable_values_use_the_validators() -> None:
    assert comparable_value("plate_number", "京a·12345") == "京A12345"
    assert comparable_value("plate_number", "京A 12") == "京A12"  # invalid: as written, no spaces
    assert comparable_value("province", " 京 ") == "京"
    predicted = predicted_entity_set(
        [
            Entity("plate_number", "京a12345", 0, 8, "DIETClassifier"),
            Entity("plate_number", "京A12345", 0, 7, "RegexEntityExtractor"),
            Entity("id_number", "123", 10, 13, "DIETClassifier"),
        ]
    )
    assert predicted == frozenset({("plate_number", "京A12345"), ("id_number", "123")})


def test_policy_stats_count_what_the_bot_does() -> None:
    def with_decision(true: str, decision: Decision) -> Outcome:
        return Outcome(
            text="t",
            language="en",
            true_intent=true,
            predicted_intent=decision.intent,
            confidence=decision.confidence,
            true_entities=frozenset(),
            predicted_entities=frozenset(),
            decision=decision,
        )

    outcomes = [
        with_decision("greet", Decision("act", "greet", 0.9)),
        with_decision("greet", Decision("act", "thanks", 0.9)),
        with_decision("help", Decision("clarify", None, 0.4, ("greet", "help"))),
        with_decision("help", Decision("clarify", None, 0.4, ("greet", "thanks"))),
        with_decision("help", Decision("not_understood", None, 0.3)),
        with_decision("out_of_scope", Decision("not_understood", None, 0.3)),
        with_decision("out_of_scope", Decision("act", "out_of_scope", 0.9)),
    ]
    assert policy_stats(outcomes) == PolicyStats(
        correct=3, wrong_action=1, clarified=1, clarified_wrong=1, not_understood=1
    )
    report = build_report("t.yml", outcomes)
    assert report.overall.policy == policy_stats(outcomes)
    assert "Bot policy" in report.format_table()
    assert policy_stats([o("greet", "greet")]) is None  # evaluated without a policy


def test_mistakes_show_the_models_own_first_choice() -> None:
    fallback = Outcome(
        text="howdy",
        language="en",
        true_intent="greet",
        predicted_intent="nlu_fallback",
        confidence=0.6,
        true_entities=frozenset(),
        predicted_entities=frozenset(),
        best_guess=("greet", 0.55),
    )
    (mistake,) = compute_section("x", [fallback]).mistakes
    assert (mistake.predicted, mistake.best_guess, mistake.best_guess_confidence) == ("nlu_fallback", "greet", 0.55)
