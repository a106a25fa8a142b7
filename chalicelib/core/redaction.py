"""Personal data redaction for free text, applied before anything is stored or logged: customers'
comments (voc) and the staff text that enters a recommendation's chained history (audits), which
can never be removed once written. Pure functions: `redact(text) -> Redacted(text, counts)`.

Kinds, in the order they are looked for (each match is replaced by `[kind]`, so a later pattern
never sees digits an earlier one already took). A separator between digit groups (`SEP`) is one or
two spaces, or a dash or dot with a space either side or not:

1. `email`: local@domain.tld, with non-ASCII letters in either part (`josé@correo.es`,
   `用户@例子。广告`), the IDNA label dots `。．｡`, the full-width `＠`, and punycode top-level
   domains (`xn--p1ai`).
2. `tracking`, unambiguous shapes: UPS (`1Z` + 16 letters/digits) and UPU S10 (`EA 123 456 789 US`),
   in any case.
3. `tracking`, USPS: 20-22 digits starting 91-95, or 420 + ZIP + 20-22 digits, groups split by
   `SEP` - before cards, so a card pattern never takes a part of a tracking number.
4. `card`: 13-19 digits (groups split by `SEP`) that pass the Luhn check and start like a payment
   card (Visa 4, Mastercard 51-55/2221-2720, Amex 34/37, Discover 6011/65, Diners 36/38/300-305,
   JCB 35).
5. `itin`: `9xx-7x-xxxx` (the IRS's ITIN: 9, then a group 50-65, 70-88, 90-92 or 94-99), split by
   `SEP`, or 9 such digits in a row.
6. `ssn`: 3-2-4 digits split by `SEP` (the same twice) with a valid area/group/serial (not
   000/666/9xx, 00, 0000), 9 such digits in a row unless a reference word comes just before them
   (`ticket`, `order #`, `case no.`, ...: `REFERENCE`), or 9 digits introduced by "ssn"/"social
   security". Never inside a longer number or an ASCII word (a hex digest), a decimal or a version.
7. `account`: 6-20 letters/digits (at least 4 digits) introduced by "account"/"acct"/"a/c" (with
   optional "number", "no", "#", ":").
8. `phone`: the `phonenumbers` library's `PhoneNumberMatcher`, region US, `Leniency.VALID` (valid
   numbers only: dates, times, ZIP codes and ZIP+4 are not phone numbers); an international number
   written with the `00` prefix (`0044 20 7946 0958`) is read as `+44 20 7946 0958`.
9. `tracking`, by context: 12-22 digits introduced by a tracking word (tracking, package, fedex,
   ups, usps, ...) - after phones, so "call USPS on +44 20 7946 0958" stays a phone number.

Every kind but `email` holds digits (phonenumbers' candidates too: its pattern needs a digit), and
`email` an `@` or `＠`: text with neither is returned as it is without running a pattern, text without
digits runs only the e-mail pattern (most comments name no number; the phone matcher is the cost).
Prefilters, none of which can skip a match (tests/unit/test_redaction_prefilter.py compares the
result with and without them on generated text):
- a pattern runs only if the text holds at least as many digits (Unicode digits, as the patterns
  count them) as any match of it holds (`MIN_DIGITS`; each replacement only removes digits);
- the phone matcher skips candidates shorter than `PHONE_MIN_CHARS` characters: a number
  phonenumbers calls valid has at least 6 digits (a 2-digit country code and a 4-digit national
  number, +43/+49; a US number 10), and a candidate holds a character per digit at least - the
  test tries every shorter number. A skipped candidate spends none of the matcher's tries.

The original text is never returned or kept; only the redacted text and the count per kind."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

KINDS = ("email", "card", "tracking", "itin", "ssn", "account", "phone")

_ANY_DIGIT = re.compile(r"\d")  # Unicode digits, as `\d` in every pattern below and in phonenumbers'
_AT = "@\uff20"
# A letter or digit of any script in an e-mail address: anything but ASCII, spaces and punctuation
# (Latin-1's, general punctuation with the bidi controls, CJK and full-width punctuation).
_WIDE = ("[^\\x00-\\x7f\\s\\u00a0-\\u00a9\\u00ab-\\u00b4\\u00b6-\\u00b9\\u00bb-\\u00bf\\u2000-\\u206f"
         "\\u3000-\\u3004\\u3008-\\u3020\\u3030\\u303d-\\u303f\\ufe30-\\ufe4f"
         "\\uff00-\\uff0f\\uff1a-\\uff20\\uff3b-\\uff40\\uff5b-\\uff65]")
_LABEL_CHAR = rf"(?:[A-Za-z0-9]|{_WIDE})"
_LABEL = rf"{_LABEL_CHAR}(?:(?:[A-Za-z0-9\-]|{_WIDE})*{_LABEL_CHAR})?"
_DOT = "[.\u3002\uff0e\uff61]"
_TLD = rf"(?:xn--[A-Za-z0-9\-]*[A-Za-z0-9]|(?:[A-Za-z]|{_WIDE}){{2,}})"
_LOCAL_CHAR = rf"(?:[A-Za-z0-9._%+\-]|{_WIDE})"
# Starts only where a run of local-part characters starts: one attempt per run, not per character.
_EMAIL = re.compile(rf"(?<!{_LOCAL_CHAR}){_LOCAL_CHAR}+[{_AT}]{_LABEL}(?:{_DOT}{_LABEL})*{_DOT}{_TLD}"
                    r"(?![A-Za-z0-9\-])")
_DASHES = "\\-\u2010-\u2015\u2212"
SEP = rf"(?:[ \t]{{1,2}}|[ \t]?[{_DASHES}.][ \t]?)"
# 13-19 digits, optionally grouped, not glued to other digits.
_CARD = re.compile(rf"(?<![\d{_DASHES}])(?<!\d[.,])\d(?:{SEP}?\d){{12,18}}(?!\d)")
_CARD_PREFIX = re.compile(r"^(4|5[1-5]|2(22[1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720)|3[47]|6011|65|3[68]|30[0-5]|35)")
_USPS = re.compile(rf"(?<![\dA-Za-z{_DASHES}])(?<!\d[.,])(?:9[1-5](?:{SEP}?\d){{18,20}}|420(?:{SEP}?\d){{25,27}})(?!\d)")
_S10 = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}[ ]?\d{3}[ ]?\d{3}[ ]?\d{3}[ ]?US(?![A-Za-z0-9])", re.IGNORECASE)
_UPS = re.compile(r"(?<![A-Za-z0-9])1Z[ ]?[0-9A-Z]{3}[ ]?[0-9A-Z]{3}[ ]?[0-9A-Z]{2}[ ]?[0-9A-Z]{4}[ ]?[0-9A-Z]{4}(?![A-Za-z0-9])",
                  re.IGNORECASE)
_TRACKING_WORDS = r"(?:tracking|track|tracker|package|parcel|shipment|fedex|ups|usps|label)"
_TRACKING_CONTEXT = re.compile(
    _TRACKING_WORDS + r"(?:[^\d\n]{0,30}?)(?P<num>(?<![\d+])\d(?:[ ]?\d){11,21}(?!\d))", re.IGNORECASE)
# 3-2-4 digits split the same way twice or not at all; not part of a longer number or ASCII word (a hash),
# a decimal or a version (`1.078.05.1120`), and the separator is never a line break.
_NINE = r"(?<![A-Za-z_\d{d}$])(?<!\d[.,])(?:{a}(?P<s>{sep}){g}(?P=s)|{a}{g}){s}(?![A-Za-z_\d]|[{d}.,]\d)"
_ITIN_AREA, _ITIN_GROUP = r"9\d\d", r"(?:5\d|6[0-5]|7\d|8[0-8]|9[0-2]|9[4-9])"
_ITIN = re.compile(_NINE.format(d=_DASHES, sep=SEP, a=_ITIN_AREA, g=_ITIN_GROUP, s=r"\d{4}"))
_SSN = re.compile(_NINE.format(d=_DASHES, sep=SEP, a=r"(?!000|666|9\d\d)\d{3}", g=r"(?!00)\d\d",
                               s=r"(?!0000)\d{4}"))
# What a 9-digit number right after it is not: an SSN or ITIN written without separators.
REFERENCE = re.compile(
    r"\b(?:ticket|case|order|ref|reference|confirmation|conf|invoice|claim|request|req|incident|report|"
    r"complaint|receipt|transaction|txn|po|item|sku|serial|zip|routing|tracking|account|acct)"
    r"\W{0,3}(?:(?:number|num|no|nbr|id|#)\W{0,3})?$", re.IGNORECASE)
_SSN_CONTEXT = re.compile(r"(?:ssn|social security(?: number| no\.?)?)\W{0,5}(?P<num>(?<!\d)\d{9}(?!\d))",
                          re.IGNORECASE)
_ACCOUNT = re.compile(
    r"\b(?:account|acct|a/c)\.?(?:\s*(?:number|num|no\.?|nbr|#))?\s*(?:is\s+|:\s*|#\s*)?"
    r"(?P<num>(?=(?:[A-Za-z\-]*\d){4})[A-Za-z0-9][A-Za-z0-9\-]{4,18}[A-Za-z0-9])\b",
    re.IGNORECASE)
# `00` + a country code (1-9), as dialled outside North America: read as `+`.
_IDD_00 = re.compile(r"(?<![\w+])00(?=[ ]?[1-9]\d)")


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


def _not_a_reference(match: re.Match) -> bool:
    """A 9-digit number is an SSN/ITIN unless written without separators right after a reference
    word (`ticket 123456789`, `order #123456789`)."""
    if match.group("s") is not None:
        return True
    return not REFERENCE.search(match.string[max(0, match.start() - 30):match.start()])


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


# Digits a match of each holds at least (the `_SSN` pattern stands for `_ITIN` and `_SSN_CONTEXT`).
MIN_DIGITS = {"ups": 1, "s10": 9, "usps": 20, "card": 13, "ssn": 9, "account": 4, "tracking_context": 12}
PHONE_MIN_CHARS = 6


def _phones(text: str, counts: dict[str, int], prefilter: bool = True) -> str:
    # `0044 …` is looked for as ` +44 …` (same length, so the matches' offsets hold for the text).
    read = _IDD_00.sub(" +", text)
    matches = list(PhoneNumberMatcher(read, "US", leniency=Leniency.VALID,
                                      min_candidate_length=PHONE_MIN_CHARS if prefilter else 1))
    if not matches:
        return text
    out, last = [], 0
    for match in matches:
        start = match.start - 1 if read[match.start] == "+" and text[match.start] == "0" else match.start
        out.append(text[last:start])
        out.append("[phone]")
        last = match.end
        counts["phone"] = counts.get("phone", 0) + 1
    out.append(text[last:])
    return "".join(out)


def redact(text: str, *, prefilter: bool = True) -> Redacted:
    """The text with every piece of personal data replaced by `[kind]`, and the count per kind.
    `prefilter` False runs every pattern on every text (the tests' reference: the same result)."""
    counts: dict[str, int] = {}
    if "@" in text or "\uff20" in text:
        text = _sub(_EMAIL, "email", text, counts)
    if not _ANY_DIGIT.search(text):
        return Redacted(text, counts)
    # Replacements only take digits away: the count of the text after the e-mails bounds every step's.
    digits = len(_ANY_DIGIT.findall(text)) if prefilter else math.inf

    def may(kind: str) -> bool:
        return digits >= MIN_DIGITS[kind]

    if may("ups"):
        text = _sub(_UPS, "tracking", text, counts)
    if may("s10"):
        text = _sub(_S10, "tracking", text, counts)
    if may("usps"):
        text = _sub(_USPS, "tracking", text, counts)
    if may("card"):
        text = _sub(_CARD, "card", text, counts, accept=lambda m: _is_card(m.group(0)))
    if may("ssn"):
        text = _sub(_ITIN, "itin", text, counts, accept=_not_a_reference)
        text = _sub(_SSN, "ssn", text, counts, accept=_not_a_reference)
        text = _sub(_SSN_CONTEXT, "ssn", text, counts, group="num")
    if may("account"):
        text = _sub(_ACCOUNT, "account", text, counts, group="num")
    text = _phones(text, counts, prefilter)
    if may("tracking_context"):
        text = _sub(_TRACKING_CONTEXT, "tracking", text, counts, group="num")
    return Redacted(text, counts)


def redact_text(text: str | None) -> str | None:
    """Only the redacted text (None stays None): for staff text written to a chained history."""
    return None if text is None else redact(text).text


def is_phone_number(text: str) -> bool:
    """Whether `text` is, as a whole, a valid phone number (US numbering by default)."""
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(text, "US"))
    except phonenumbers.NumberParseException:
        return False
