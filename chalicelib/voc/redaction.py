"""Personal data redaction for free text (comments, reasons), applied before anything is stored or
logged. Pure functions: `redact(text) -> Redacted(text, counts)`.

Kinds, in the order they are looked for (each match is replaced by `[kind]`, so a later pattern
never sees digits an earlier one already took):

1. `email`: local@domain.tld.
2. `tracking`, unambiguous shapes: UPS (`1Z` + 16 letters/digits) and UPU S10 (`EA123456789US`).
3. `card`: 13-19 digits (spaces or dashes between groups allowed) that pass the Luhn check and start
   like a payment card (Visa 4, Mastercard 51-55/2221-2720, Amex 34/37, Discover 6011/65,
   Diners 36/38/300-305, JCB 35).
4. `tracking`, USPS: 20-22 digits starting 91-95, or 420 + ZIP + 20-22 digits.
5. `ssn`: `123-45-6789` or `123 45 6789` with a valid area/group/serial (not 000/666/9xx, 00,
   0000), or 9 digits introduced by "ssn"/"social security".
6. `account`: 6-20 letters/digits (at least 4 digits) introduced by "account"/"acct"/"a/c" (with
   optional "number", "no", "#", ":").
7. `phone`: the `phonenumbers` library's `PhoneNumberMatcher`, region US, `Leniency.VALID` (valid
   numbers only: dates, times, ZIP codes and ZIP+4 are not phone numbers).
8. `tracking`, by context: 12-22 digits introduced by a tracking word (tracking, package, fedex,
   ups, usps, ...) - after phones, so "call USPS on +44 20 7946 0958" stays a phone number.

Every kind but `email` holds digits (phonenumbers' candidates too: its pattern needs a digit), and
`email` an `@`: text with neither is returned as it is without running a pattern, text without
digits runs only the e-mail pattern (most comments name no number; the phone matcher is the cost).

The original text is never returned or kept; only the redacted text and the count per kind."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

KINDS = ("email", "card", "tracking", "ssn", "account", "phone")

_ANY_DIGIT = re.compile(r"\d")  # Unicode digits, as `\d` in every pattern below and in phonenumbers'
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}")
# 13-19 digits, optionally grouped by single spaces or dashes, not glued to other digits.
_CARD = re.compile(r"(?<![\d-])\d(?:[ \-]?\d){12,18}(?![\d])")
_CARD_PREFIX = re.compile(r"^(4|5[1-5]|2(22[1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720)|3[47]|6011|65|3[68]|30[0-5]|35)")
_USPS = re.compile(r"(?<![\dA-Za-z])(?:9[1-5](?:[ ]?\d){18,20}|420 ?\d{5}(?:[ ]?\d){20,22})(?!\d)")
_S10 = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{9}US(?![A-Za-z0-9])")
_UPS = re.compile(r"(?<![A-Za-z0-9])1Z[ ]?[0-9A-Z]{3}[ ]?[0-9A-Z]{3}[ ]?[0-9A-Z]{2}[ ]?[0-9A-Z]{4}[ ]?[0-9A-Z]{4}(?![A-Za-z0-9])",
                  re.IGNORECASE)
_TRACKING_WORDS = r"(?:tracking|track|tracker|package|parcel|shipment|fedex|ups|usps|label)"
_TRACKING_CONTEXT = re.compile(
    _TRACKING_WORDS + r"(?:[^\d\n]{0,30}?)(?P<num>(?<![\d+])\d(?:[ ]?\d){11,21}(?!\d))", re.IGNORECASE)
_SSN = re.compile(r"(?<![\d-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\d-])")
_SSN_CONTEXT = re.compile(r"(?:ssn|social security(?: number| no\.?)?)\W{0,5}(?P<num>(?<!\d)\d{9}(?!\d))",
                          re.IGNORECASE)
_ACCOUNT = re.compile(
    r"\b(?:account|acct|a/c)\.?(?:\s*(?:number|num|no\.?|nbr|#))?\s*(?:is\s+|:\s*|#\s*)?"
    r"(?P<num>(?=(?:[A-Za-z\-]*\d){4})[A-Za-z0-9][A-Za-z0-9\-]{4,18}[A-Za-z0-9])\b",
    re.IGNORECASE)


@dataclass(frozen=True)
class Redacted:
    text: str
    counts: dict[str, int] = field(default_factory=dict)


def luhn_valid(digits: str) -> bool:
    if not digits.isdigit() or len(digits) < 2:
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _is_card(candidate: str) -> bool:
    digits = _digits(candidate)
    return 13 <= len(digits) <= 19 and bool(_CARD_PREFIX.match(digits)) and luhn_valid(digits)


def _sub(pattern: re.Pattern, kind: str, text: str, counts: dict[str, int], *, group: str | None = None,
         accept=lambda match: True) -> str:
    def replace(match: re.Match) -> str:
        if not accept(match):
            return match.group(0)
        counts[kind] = counts.get(kind, 0) + 1
        if group is None:
            return f"[{kind}]"
        whole, start = match.group(0), match.start(group) - match.start()
        return whole[:start] + f"[{kind}]" + whole[start + len(match.group(group)):]

    return pattern.sub(replace, text)


def _phones(text: str, counts: dict[str, int]) -> str:
    matches = list(PhoneNumberMatcher(text, "US", leniency=Leniency.VALID))
    if not matches:
        return text
    out, last = [], 0
    for match in matches:
        out.append(text[last:match.start])
        out.append("[phone]")
        last = match.end
        counts["phone"] = counts.get("phone", 0) + 1
    out.append(text[last:])
    return "".join(out)


def redact(text: str) -> Redacted:
    """The text with every piece of personal data replaced by `[kind]`, and the count per kind."""
    counts: dict[str, int] = {}
    if "@" in text:
        text = _sub(_EMAIL, "email", text, counts)
    if not _ANY_DIGIT.search(text):
        return Redacted(text, counts)
    text = _sub(_UPS, "tracking", text, counts)
    text = _sub(_S10, "tracking", text, counts)
    text = _sub(_CARD, "card", text, counts, accept=lambda m: _is_card(m.group(0)))
    text = _sub(_USPS, "tracking", text, counts)
    text = _sub(_SSN, "ssn", text, counts)
    text = _sub(_SSN_CONTEXT, "ssn", text, counts, group="num")
    text = _sub(_ACCOUNT, "account", text, counts, group="num")
    text = _phones(text, counts)
    text = _sub(_TRACKING_CONTEXT, "tracking", text, counts, group="num")
    return Redacted(text, counts)


def is_phone_number(text: str) -> bool:
    """Whether `text` is, as a whole, a valid phone number (US numbering by default)."""
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(text, "US"))
    except phonenumbers.NumberParseException:
        return False
