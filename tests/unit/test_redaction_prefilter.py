"""The redaction's prefilters (core/redaction.py: patterns skipped on text with too few digits, the
phone matcher's short candidates skipped) never skip a match: with them and without them, the same
text and counts, on generated text full of near misses; and no number shorter than the phone
matcher's minimum candidate is a valid phone number, tried exhaustively."""
from __future__ import annotations

import phonenumbers
from hypothesis import given, settings, strategies as st

from chalicelib.core import redaction
from chalicelib.core.redaction import redact

SEPARATORS = ["", "-", ".", " ", "  ", " - ", "\u2013", "/", "(", ")", "+", "#", ":", "x", ","]
WORDS = ["call", "me", "at", "ssn", "social security", "account #", "acct", "tracking", "ups", "usps",
         "parcel", "ticket", "order #", "card", "EA", "US", "1Z", "ext", "on", "is", "le", "très",
         "电话"]
DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=6)
# Digits of other scripts: `\d` to the patterns
OTHER_DIGITS = st.text(alphabet="٠١٢٣٤٥٦٧٨٩０１２３４５６７８９", min_size=1, max_size=4)


def _phone_like() -> st.SearchStrategy[str]:
    """Numbers written as people write them: US, `+`/`00` international, and their short cousins."""
    nanp = st.tuples(st.sampled_from(["202", "415", "800", "212", "555", "911"]),
                     st.text("0123456789", min_size=3, max_size=3), st.text("0123456789", min_size=4, max_size=4),
                     st.sampled_from(["-", ".", " ", ""])).map(lambda t: t[3].join(t[:3]))
    international = st.tuples(st.sampled_from(["+", "00", "011 ", "+ "]),
                              st.sampled_from(["43", "49", "44", "352", "683", "290", "1"]),
                              st.lists(DIGITS, min_size=1, max_size=3)
                              ).map(lambda t: t[0] + t[1] + " " + " ".join(t[2]))
    return st.one_of(nanp, international, st.sampled_from(["+4312", "+49 123", "+2901234", "00436", "911", "+1"]))


PIECES = st.one_of(
    st.sampled_from(WORDS), DIGITS, OTHER_DIGITS, _phone_like(), st.sampled_from(SEPARATORS),
    st.lists(DIGITS, min_size=2, max_size=5).flatmap(lambda groups: st.sampled_from(SEPARATORS[:7]).map(
        lambda sep: sep.join(groups))),
    st.sampled_from(["078-05-1120", "4111 1111 1111 1111", "9400 1118 9922 3100 0123 45", "EA 123 456 789 US",
                     "1Z999AA10123456784", "jane@example.org", "a1@b2.io", "912-70-1234"]),
    st.text(max_size=6),
)
TEXTS = st.lists(PIECES, max_size=14).flatmap(
    lambda parts: st.sampled_from([" ", "", ", "]).map(lambda glue: glue.join(parts)))


@settings(max_examples=600, deadline=None)
@given(TEXTS)
def test_prefiltered_redaction_agrees_with_the_unfiltered_one(text):
    filtered, reference = redact(text), redact(text, prefilter=False)
    assert (filtered.text, filtered.counts) == (reference.text, reference.counts)


def test_the_prefilters_change_nothing_on_the_known_forms():
    texts = ["call 202-555-0173", "call 2025550173 ext 12", "+44 20 7946 0958", "0044 20 7946 0958",
             "ssn 078051120", "card 4111-1111-1111-1111 and 078-05-1120", "acct 12a34b5", "parcel 7 late",
             "+43 1234", "+49 1234", "ups tracking 123456789012", "+1 202 555 0173 x7", "room 12, floor 3"]
    for text in texts:
        assert redact(text) == redact(text, prefilter=False), text


def _valid(number: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(number, "US"))
    except phonenumbers.NumberParseException:
        return False


def test_no_phone_number_is_shorter_than_the_minimum_candidate():
    """A candidate of fewer than PHONE_MIN_CHARS characters holds fewer digits than that: every
    such number, with or without `+`, is tried - none is valid (so none can be a match)."""
    shorter = redaction.PHONE_MIN_CHARS - 1
    assert shorter == 5  # the exhaustive loop below is sized for it
    found = []
    for length in range(1, shorter + 1):
        for n in range(10 ** length):
            digits = str(n).zfill(length)
            if _valid(digits) or (length < shorter and _valid("+" + digits)):
                found.append(digits)
    assert found == []
    assert _valid("+43 1 234567") and _valid("202-555-0173")  # the check itself can say yes


def test_the_minimum_holds_against_the_metadata():
    """Every region's shortest national number plus its country code: at least PHONE_MIN_CHARS digits."""
    from phonenumbers import PhoneMetadata
    from phonenumbers.phonenumberutil import COUNTRY_CODES_FOR_NON_GEO_REGIONS, SUPPORTED_REGIONS

    shortest = min(
        [len(str(md.country_code)) + min(md.general_desc.possible_length)
         for md in map(PhoneMetadata.metadata_for_region, SUPPORTED_REGIONS)] +
        [len(str(cc)) + min(PhoneMetadata.metadata_for_nongeo_region(cc).general_desc.possible_length)
         for cc in COUNTRY_CODES_FOR_NON_GEO_REGIONS])
    assert shortest >= redaction.PHONE_MIN_CHARS
