"""normalize_entities: validation with core.identifiers and de-duplication of regex + DIET finds."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core.identifiers import id_check_digit
from nlu.client import Entity, EntityCheck, normalize_entities

REGEX = "RegexEntityExtractor"
DIET = "DIETClassifier"
VALID_ID = "11010519491231002X"


def test_valid_id_fixture_is_valid() -> None:
    assert id_check_digit(VALID_ID[:17]) == VALID_ID[17]


def test_regex_and_diet_on_the_same_span_give_one_value() -> None:
    check = normalize_entities(
        [
            Entity("plate_number", "京A12345", 2, 9, REGEX),
            Entity("plate_number", "京A12345", 2, 9, DIET),
        ]
    )
    assert check == EntityCheck(valid={"plate_number": ["京A12345"]}, invalid=[])


def test_overlapping_spans_prefer_the_valid_candidate() -> None:
    # DIET cut the plate short ("京A1234", invalid); the regex found all of it.
    check = normalize_entities(
        [
            Entity("plate_number", "京A1234", 4, 10, DIET),
            Entity("plate_number", "京a·12345", 4, 12, REGEX),
        ]
    )
    assert check.valid == {"plate_number": ["京A12345"]}
    assert check.invalid == []


def test_overlapping_spans_both_invalid_give_one_hint() -> None:
    check = normalize_entities(
        [
            Entity("id_number", "1101051949123100", 0, 16, DIET),
            Entity("id_number", "11010519491231002", 0, 17, REGEX),
        ]
    )
    assert check.valid == {}
    # The regex's (and longest) reading is the one reported.
    assert check.invalid == [("id_number", "11010519491231002", "id-error-length")]


def test_equal_normalised_values_at_different_places_are_used_once() -> None:
    check = normalize_entities(
        [
            Entity("plate_number", "京A12345", 0, 7, REGEX),
            Entity("plate_number", "京a-12345", 20, 28, DIET),
        ]
    )
    assert check.valid == {"plate_number": ["京A12345"]}


def test_distinct_values_keep_their_order() -> None:
    check = normalize_entities(
        [
            Entity("plate_number", "沪B88888", 20, 27, REGEX),
            Entity("plate_number", "京A12345", 0, 7, REGEX),
        ]
    )
    assert check.valid == {"plate_number": ["沪B88888", "京A12345"]}
    assert check.first("plate_number") == "沪B88888"
    assert check.first("id_number") is None


def test_invalid_values_carry_the_validators_message_id() -> None:
    bad_check_digit = VALID_ID[:17] + ("1" if VALID_ID[17] != "1" else "2")
    check = normalize_entities(
        [
            Entity("id_number", bad_check_digit, 5, 23, DIET),
            Entity("plate_number", "X A12345", 30, 38, DIET),
            Entity("plate_number", "京A12", 39, 43, DIET),
            Entity("ticket_id", "C261121-42", 40, 50, REGEX),
            Entity("tracking_number", "EA12345CN", 60, 69, REGEX),
        ]
    )
    assert check.valid == {}
    assert check.invalid == [
        ("id_number", bad_check_digit, "id-error-checksum"),
        ("plate_number", "X A12345", "plate-error-province"),
        ("plate_number", "京A12", "plate-error-format"),
        ("ticket_id", "C261121-42", "ticket-error-format"),
        ("tracking_number", "EA12345CN", "tracking-error-format"),
    ]


def test_valid_identifiers_of_every_kind_are_normalised() -> None:
    check = normalize_entities(
        [
            Entity("id_number", VALID_ID.lower(), 0, 18, REGEX),
            Entity("ticket_id", "c261121-0042", 20, 32, DIET),
            Entity("tracking_number", "ea123456789cn", 40, 53, DIET),
            Entity("tracking_number", "SF1234567890123", 60, 75, REGEX),
        ]
    )
    assert check.valid == {
        "id_number": [VALID_ID],
        "ticket_id": ["C261121-0042"],
        "tracking_number": ["EA123456789CN", "SF1234567890123"],
    }
    assert check.invalid == []


def test_entities_without_a_validator_pass_through_deduplicated() -> None:
    check = normalize_entities(
        [
            Entity("complaint_topic", " parking ", 0, 9, DIET),
            Entity("complaint_topic", "parking", 30, 37, "RegexEntityExtractor"),
            Entity("province", "京", None, None, DIET),
            Entity("province", "", None, None, DIET),
        ]
    )
    assert check.valid == {"complaint_topic": ["parking"], "province": ["京"]}


def test_entities_without_spans_deduplicate_by_value() -> None:
    check = normalize_entities(
        [
            Entity("plate_number", "京A12345", None, None, DIET),
            Entity("plate_number", "京A 12345", None, None, REGEX),
        ]
    )
    assert check.valid == {"plate_number": ["京A12345"]}


@given(
    st.permutations(
        [
            Entity("plate_number", "京A12345", 2, 9, REGEX),
            Entity("plate_number", "京A1234", 2, 8, DIET),
            Entity("plate_number", "京a12345", 2, 9, DIET),
        ]
    )
)
def test_dedupe_does_not_depend_on_order(entities: list[Entity]) -> None:
    assert normalize_entities(entities) == EntityCheck(valid={"plate_number": ["京A12345"]}, invalid=[])
