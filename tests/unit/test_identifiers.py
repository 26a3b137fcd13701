"""Validators for plates, ID numbers, tickets, tracking and phone numbers (property-based)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from core.identifiers import (
    ID_NUMBER_RE,
    PHONE_RE,
    PLATE_RE,
    PROVINCES,
    TICKET_RE,
    TRACKING_RE,
    birth_date_of,
    courier_of,
    explain_id_number,
    explain_phone,
    explain_plate,
    explain_ticket_id,
    explain_tracking_number,
    fold_text,
    format_ticket_id,
    id_check_digit,
    is_new_energy_plate,
    mask_id_number,
    mask_name,
    mask_phone,
    mask_text,
    normalize_id_number,
    normalize_phone,
    normalize_plate,
    normalize_ticket_id,
    normalize_tracking_number,
    ticket_date,
)

TODAY = date(2026, 11, 21)
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
DIGITS = "0123456789"

provinces = st.sampled_from(PROVINCES)
letters = st.sampled_from(PLATE_LETTERS)
letter_or_digit = st.sampled_from(PLATE_LETTERS + DIGITS)
digit = st.sampled_from(DIGITS)


@st.composite
def conventional_plates(draw: st.DrawFn) -> str:
    serial = "".join(draw(letter_or_digit) for _ in range(5))
    return draw(provinces) + draw(letters) + serial


@st.composite
def new_energy_plates(draw: st.DrawFn) -> str:
    head = draw(provinces) + draw(letters)
    if draw(st.booleans()):
        return head + draw(st.sampled_from("DF")) + draw(letter_or_digit) + "".join(draw(digit) for _ in range(4))
    return head + "".join(draw(digit) for _ in range(5)) + draw(st.sampled_from("DF"))


plates = st.one_of(conventional_plates(), new_energy_plates())
birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    region = str(draw(st.integers(min_value=110000, max_value=829999)))
    birth = draw(birth_dates)
    seq = f"{draw(st.integers(min_value=0, max_value=999)):03d}"
    first17 = f"{region}{birth:%Y%m%d}{seq}"
    return first17 + id_check_digit(first17)


ticket_days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@st.composite
def tracking_numbers(draw: st.DrawFn) -> str:
    upper = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    if draw(st.booleans()):
        return draw(upper) + draw(upper) + "".join(draw(digit) for _ in range(9)) + draw(upper) + draw(upper)
    length = draw(st.sampled_from([12, 13]))
    return "SF" + "".join(draw(digit) for _ in range(length))


# --- plates --------------------------------------------------------------------------------------


@given(plates)
def test_valid_plate_round_trips(plate: str) -> None:
    assert normalize_plate(plate) == plate
    assert explain_plate(plate) is None
    assert normalize_plate(plate) == normalize_plate(normalize_plate(plate) or "")


@given(plates, st.sampled_from(["", "·", ".", "•", " ", "-"]), st.booleans())
def test_plate_separator_and_case_accepted(plate: str, sep: str, lower: bool) -> None:
    typed = plate[:2] + sep + plate[2:]
    if lower:
        typed = typed.lower()
    assert normalize_plate(f"  {typed} ") == plate


@given(plates)
def test_plate_found_in_chinese_and_english_text(plate: str) -> None:
    for text in (f"查一下{plate}的违章", f"my car {plate.lower()}, please"):
        found = [normalize_plate(m.group(0)) for m in PLATE_RE.finditer(text)]
        assert plate in found


@given(new_energy_plates())
def test_new_energy_plates_have_eight_characters(plate: str) -> None:
    assert len(plate) == 8
    assert is_new_energy_plate(plate)


@given(conventional_plates(), st.sampled_from("IO"), st.integers(min_value=1, max_value=6))
def test_letters_i_and_o_rejected(plate: str, bad: str, position: int) -> None:
    mutated = plate[:position] + bad + plate[position + 1 :]
    assert normalize_plate(mutated) is None
    assert explain_plate(mutated) == "plate-error-format"


@given(conventional_plates(), st.sampled_from("AB港台X1"))
def test_unknown_province_explained(plate: str, first: str) -> None:
    mutated = first + plate[1:]
    assert normalize_plate(mutated) is None
    assert explain_plate(mutated) == "plate-error-province"


@pytest.mark.parametrize(
    "raw",
    ["京A1234", "京A1234567", "京112345", "京AD1234X", "京A12345D1", "京AX12345", "京A12·345", ""],
)
def test_malformed_plates(raw: str) -> None:
    assert normalize_plate(raw) is None
    assert explain_plate(raw) in {"plate-error-format", "plate-error-province"}


def test_plate_examples() -> None:
    assert normalize_plate("京AD12345") == "京AD12345"
    assert normalize_plate("粤b·12345d") == "粤B12345D"
    assert normalize_plate("沪Ａ－１２３４５") == "沪A12345"  # full-width input method
    assert not is_new_energy_plate("京A12345")


# --- ID numbers ----------------------------------------------------------------------------------


def test_check_digit_known_values() -> None:
    assert id_check_digit("11010519491231002") == "X"
    assert id_check_digit("44052418800101001") == "4"
    with pytest.raises(ValueError):
        id_check_digit("1234")


@given(id_numbers())
def test_valid_id_round_trips(number: str) -> None:
    assert normalize_id_number(number, today=TODAY) == number
    assert explain_id_number(number, today=TODAY) is None
    spaced = " ".join([number[:6], number[6:14], number[14:]]).lower()
    assert normalize_id_number(spaced, today=TODAY) == number
    assert birth_date_of(number).strftime("%Y%m%d") == number[6:14]


@given(id_numbers(), st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9))
def test_changed_digit_fails(number: str, position: int, delta: int) -> None:
    changed = str((int(number[position]) + delta) % 10)
    mutated = number[:position] + changed + number[position + 1 :]
    # A single changed digit never keeps the MOD 11-2 check; it may also break the date first.
    assert explain_id_number(mutated, today=TODAY) in {
        "id-error-checksum",
        "id-error-birthdate",
        "id-error-chars",
    }
    assert normalize_id_number(mutated, today=TODAY) is None


@given(id_numbers(), st.integers(min_value=0, max_value=16))
def test_swapped_adjacent_digits_fail(number: str, position: int) -> None:
    mutated = number[:position] + number[position + 1] + number[position] + number[position + 2 :]
    assume(mutated != number)
    assume(explain_id_number(mutated, today=TODAY) != "id-error-birthdate")
    assert normalize_id_number(mutated, today=TODAY) is None


@given(id_numbers(), st.integers(min_value=1, max_value=17))
def test_wrong_length(number: str, cut: int) -> None:
    assert explain_id_number(number[:cut], today=TODAY) == "id-error-length"
    assert explain_id_number(number + "1", today=TODAY) == "id-error-length"


def test_id_error_kinds() -> None:
    assert explain_id_number("11010519491231002X", today=TODAY) is None
    assert explain_id_number("11010519491231002x", today=TODAY) is None
    assert explain_id_number("1101051949123100AX", today=TODAY) == "id-error-chars"
    assert explain_id_number("110105194912310029", today=TODAY) == "id-error-checksum"
    first17 = "11010519490231002"  # 31 February
    assert explain_id_number(first17 + id_check_digit(first17), today=TODAY) == "id-error-birthdate"
    future = "110105" + (TODAY + timedelta(days=1)).strftime("%Y%m%d") + "002"
    assert explain_id_number(future + id_check_digit(future), today=TODAY) == "id-error-birthdate"
    assert explain_id_number("１１０１０５１９４９１２３１００２Ｘ", today=TODAY) is None


@given(id_numbers())
def test_id_found_in_text_and_masked(number: str) -> None:
    text = f"我的身份证号是{number}谢谢"
    assert [m.group(0) for m in ID_NUMBER_RE.finditer(text)] == [number]
    masked = mask_id_number(number)
    assert masked == number[:6] + "********" + number[-4:]
    assert number not in mask_text(text)


# --- tickets -------------------------------------------------------------------------------------


@given(ticket_days, st.integers(min_value=1, max_value=999_999))
def test_ticket_round_trip(day: date, seq: int) -> None:
    ticket = format_ticket_id(day, seq)
    assert normalize_ticket_id(ticket) == ticket
    assert normalize_ticket_id(ticket.lower()) == ticket
    assert explain_ticket_id(ticket) is None
    assert ticket_date(ticket) == day
    found = [m.group(0) for m in TICKET_RE.finditer(f"工单{ticket.lower()}进度")]
    assert [normalize_ticket_id(t) for t in found] == [ticket]


def test_ticket_examples() -> None:
    assert format_ticket_id(date(2026, 11, 21), 42) == "C261121-0042"
    assert format_ticket_id(date(2026, 11, 21), 10042) == "C261121-10042"
    assert normalize_ticket_id(" c261121-0042 ") == "C261121-0042"
    for bad in ("C261131-0042", "C261121-042", "C2611210042", "D261121-0042", "C261121-0000"):
        assert normalize_ticket_id(bad) is None
        assert explain_ticket_id(bad) == "ticket-error-format"
    with pytest.raises(ValueError):
        format_ticket_id(date(2026, 11, 21), 0)


# --- tracking numbers ----------------------------------------------------------------------------


@given(tracking_numbers(), st.booleans())
def test_tracking_round_trip(number: str, lower: bool) -> None:
    typed = number.lower() if lower else number
    assert normalize_tracking_number(typed) == number
    assert explain_tracking_number(typed) is None
    assert courier_of(typed) == ("SF" if number.startswith("SF") and number[2:].isdigit() else "EMS")
    found = [m.group(0).upper() for m in TRACKING_RE.finditer(f"快递单号{typed}。")]
    assert found == [number]


def test_tracking_examples() -> None:
    assert courier_of("EA123456789CN") == "EMS"
    assert courier_of("sf1234567890123") == "SF"
    assert normalize_tracking_number("EA 123 456 789 CN") == "EA123456789CN"
    for bad in ("EA12345678CN", "SF12345678901", "SF12345678901234", "1A123456789CN"):
        assert normalize_tracking_number(bad) is None
        assert explain_tracking_number(bad) == "tracking-error-format"
    with pytest.raises(ValueError):
        courier_of("nope")


# --- phones and masking --------------------------------------------------------------------------


@given(st.sampled_from("3456789"), st.text(alphabet=DIGITS, min_size=9, max_size=9))
def test_phone_round_trip(second: str, rest: str) -> None:
    phone = "1" + second + rest
    assert normalize_phone(phone) == phone
    assert normalize_phone(f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}") == phone
    assert explain_phone(phone) is None
    assert mask_phone(phone) == phone[:3] + "****" + phone[-4:]
    assert phone not in mask_text(f"手机{phone}")
    assert PHONE_RE.search(f"call {phone} now") is not None


def test_phone_errors() -> None:
    for bad in ("12812345678", "1381234567", "138123456789", "abc"):
        assert normalize_phone(bad) is None
        assert explain_phone(bad) == "phone-error-format"


def test_mask_name() -> None:
    assert mask_name("张三丰") == "张**"
    assert mask_name("王五") == "王*"
    assert mask_name("John Doe") == "J*** D**"
    assert mask_name("李") == "李"


def test_fold_text() -> None:
    assert fold_text("ＥＡ１２３") == "EA123"
