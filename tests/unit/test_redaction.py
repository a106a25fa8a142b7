"""PII redaction on realistic social-media posts: what must go, and what must stay."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from chalicelib.core.redaction import luhn_valid, redact


@pytest.mark.parametrize("post, text, counts", [
    ("@USPS where is my package?? tracking 9400 1118 9922 3100 0123 45, call me 202-555-0173",
     "@USPS where is my package?? tracking [tracking], call me [phone]", {"tracking": 1, "phone": 1}),
    ("DM'd you my email jane.doe+usps@gmail.com and cell (415) 555-2671 - no answer in 3 days!",
     "DM'd you my email [email] and cell [phone] - no answer in 3 days!", {"email": 1, "phone": 1}),
    ("UPS handed it to you: 1Z999AA10123456784. FedEx tracking 123456789012 fine.",
     "UPS handed it to you: [tracking]. FedEx tracking [tracking] fine.", {"tracking": 2}),
    ("Charged twice on card 4111-1111-1111-1111, my SSN is 078-05-1120 if you need it",
     "Charged twice on card [card], my SSN is [ssn] if you need it", {"card": 1, "ssn": 1}),
    ("Amex 3782 822463 10005 was refused at the counter",
     "Amex [card] was refused at the counter", {"card": 1}),
    ("PO box rental, account # 00123456789, billed again",
     "PO box rental, account # [account], billed again", {"account": 1}),
    ("intl parcel EA123456789US stuck in customs since 12/23/2016",
     "intl parcel [tracking] stuck in customs since 12/23/2016", {"tracking": 1}),
    ("call me on +44 20 7946 0958 about my usps package",
     "call me on [phone] about my usps package", {"phone": 1}),
])
def test_personal_data_is_replaced_and_counted(post, text, counts):
    result = redact(post)
    assert (result.text, result.counts) == (text, counts)


@pytest.mark.parametrize("post", [
    "Waited since 12/23/2016 at 10:30am, 68% of posts flushed that day",
    "My ZIP is 20260 and my ZIP+4 is 20260-0004, still no delivery",
    "Order 1234 5678 9012 3456 (not Luhn-valid) is not a card",
    "Open 08:00-18:00 Mon-Fri, 6 hour target, 16 hours average",
    "Posted on 2016-12-23 14:00, 2017-05-08 report MS-AR-17-006 page 12",
    "Room 101, building 4, suite 2200; we were 390000 posts in FY2016",
    "Called 911? no. Called the 1-800 number? yes",
])
def test_dates_zip_codes_and_figures_are_not_personal_data(post):
    assert redact(post).text == post and redact(post).counts == {}


def test_luhn():
    assert luhn_valid("4111111111111111") and luhn_valid("79927398713")
    assert not luhn_valid("4111111111111112") and not luhn_valid("12a4")


@given(st.text(max_size=300))
def test_redaction_never_fails_and_never_grows_the_counts_on_a_second_pass(text):
    once = redact(text)
    assert redact(once.text).counts == {}


def _no_matcher(*args, **kwargs):
    raise AssertionError("the phone matcher ran on text without a digit")


@pytest.mark.parametrize("post, text, counts", [
    ("nobody answers the phone at the post office, again", "nobody answers the phone at the post office, again", {}),
    ("@USPS lost my parcel, write to jane.doe@example.org", "@USPS lost my parcel, write to [email]", {"email": 1}),
])
def test_text_without_digits_skips_every_pattern_but_the_e_mail_one(monkeypatch, post, text, counts):
    # Given a comment with no digit (most are), when it is redacted, then the phone matcher (the
    # costly one) never runs, and what the text holds of personal data is still found
    monkeypatch.setattr("chalicelib.core.redaction.PhoneNumberMatcher", _no_matcher)
    result = redact(post)
    assert (result.text, result.counts) == (text, counts)


@pytest.mark.parametrize("post, text", [
    ("call me on \uff12\uff10\uff12-\uff15\uff15\uff15-\uff10\uff11\uff17\uff13 please", "call me on [phone] please"),
    ("my number \u0662\u0660\u0662\u0665\u0665\u0665\u0660\u0661\u0667\u0663", "my number [phone]"),
])
def test_digits_of_other_scripts_still_count_as_digits(post, text):
    # Given a phone number written in full-width or Arabic-Indic digits, then it is redacted all the same
    assert redact(post).text == text and redact(post).counts == {"phone": 1}
