"""The dashboard's SVG charts state their figures: in bars, labels and the accessible description."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from chalicelib.core.charts import Series, bar_chart

NS = {"svg": "http://www.w3.org/2000/svg"}


def test_stacked_bars_carry_values_and_totals():
    svg = bar_chart("open", "Open recommendations by age", ["corp-comms", "parks"],
                    [Series("0-90", [1, 0]), Series(">365", [2, 1])], stacked=True)
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.find("svg:title", NS).text == "Open recommendations by age"
    assert "corp-comms: 0-90 1, >365 2" in root.find("svg:desc", NS).text
    bars = {(b.get("data-category"), b.get("data-series")): b.get("data-value")
            for b in root.iter("{http://www.w3.org/2000/svg}rect") if b.get("class") == "bar"}
    assert bars[("corp-comms", ">365")] == "2" and bars[("parks", "0-90")] == "0"
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "3" in texts and "1" in texts  # the totals per department


def test_shares_are_shown_as_percentages_and_missing_data_is_said():
    svg = bar_chart("within", "Responded within target", ["twitter", "instagram", "email"],
                    [Series("share", [0.43, 0.0, None])], unit="%", max_value=1)
    desc = ET.fromstring(svg).find("svg:desc", NS).text
    assert "twitter: share 43%" in desc
    assert "instagram: share 0%" in desc  # never answered is 0%, not a gap
    assert "email: share no data" in desc


def test_text_is_escaped():
    svg = bar_chart("x", "<script>", ["a&b"], [Series("<s>", [1])])
    ET.fromstring(svg)  # well-formed
    assert "<script>" not in svg


def test_side_by_side_bars_can_leave_out_missing_data():
    svg = bar_chart("channels", "Within target by channel", ["instagram", "twitter"],
                    [Series("corp-comms", [0.0, 0.43]), Series("parks", [None, 0.5])],
                    unit="%", max_value=1, skip_missing=True)
    root = ET.fromstring(svg)
    drawn = {(b.get("data-category"), b.get("data-series"))
             for b in root.iter("{http://www.w3.org/2000/svg}rect") if b.get("class") == "bar"}
    assert drawn == {("instagram", "corp-comms"), ("twitter", "corp-comms"), ("twitter", "parks")}
    assert "instagram: corp-comms 0%, parks no data" in root.find("svg:desc", NS).text
