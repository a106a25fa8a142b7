"""The standard KPI catalogue and the VoC measures a KPI may be derived from. Plain data.

A KPI created with a `catalogue_code` takes its unit, direction, standard and formula from here, so
every department that reports "CSAT" or "first contact resolution" reports the same thing and the
CCXO can compare them."""
from __future__ import annotations

from dataclasses import asdict, dataclass

AGREE = "responses of 4 or 5 (agree, strongly agree) on the 1-5 scale ÷ all responses to the item × 100"


@dataclass(frozen=True)
class CatalogueEntry:
    code: str
    name: str
    formula: str
    unit: str
    direction: str
    standard: str
    description: str
    minimum: float | None = None  # the values the formula can produce, where bounded
    maximum: float | None = None
    voc_measure: str | None = None  # the VoC measure that computes it from feedback, if any

    def as_dict(self) -> dict:
        return asdict(self)


def _a11(code: str, name: str, statement: str) -> CatalogueEntry:
    return CatalogueEntry(
        code=f"a11_{code}", name=f"A-11 §280 driver: {name}",
        formula=f"% agree = {AGREE}",
        unit="percent", direction="higher", standard="omb_a11_280",
        description=f"OMB Circular A-11 §280 post-transaction survey item: \"{statement}\"",
        minimum=0, maximum=100, voc_measure=f"voc.a11.{code}")


CATALOGUE: tuple[CatalogueEntry, ...] = (
    _a11("satisfaction", "Satisfaction", "I am satisfied with the service I received"),
    _a11("trust", "Confidence / trust",
         "This interaction increased my confidence in the organisation"),
    _a11("effectiveness", "Effectiveness / quality", "My need was addressed"),
    _a11("ease", "Ease / simplicity", "It was easy to complete what I needed to do"),
    _a11("efficiency", "Efficiency / speed", "It took a reasonable amount of time to do what I needed to do"),
    _a11("transparency", "Transparency", "I understood what was being asked of me throughout the process"),
    _a11("humanity", "Humanity", "I felt valued and respected"),
    _a11("employee_helpfulness", "Employee helpfulness", "Employees I interacted with were helpful"),
    CatalogueEntry(
        code="nps", name="Net Promoter Score",
        formula="% promoters (9-10) − % detractors (0-6) on the 0-10 likelihood-to-recommend scale",
        unit="score", direction="higher", standard="custom",
        description="Likelihood to recommend the service; ranges from −100 to 100",
        minimum=-100, maximum=100, voc_measure="voc.nps"),
    CatalogueEntry(
        code="csat", name="Customer satisfaction (CSAT, top-2-box)",
        formula="responses of 4 or 5 on the 1-5 satisfaction scale ÷ all responses × 100",
        unit="percent", direction="higher", standard="custom",
        description="Share of satisfied or very satisfied customers",
        minimum=0, maximum=100, voc_measure="voc.csat"),
    CatalogueEntry(
        code="ces", name="Customer effort score (CES)",
        formula="mean of answers on the 1-7 scale to \"The organisation made it easy for me to "
                "handle my issue\" (7 = strongly agree)",
        unit="score", direction="higher", standard="custom",
        description="How easy customers found it to get their issue handled",
        minimum=1, maximum=7, voc_measure="voc.ces"),
    CatalogueEntry(
        code="first_contact_resolution", name="First contact resolution",
        formula="contacts resolved at the first contact, without a repeat contact or transfer ÷ "
                "all resolved contacts × 100",
        unit="percent", direction="higher", standard="iso_18295",
        description="Contact-centre KPI (ISO 18295-1 service requirements)", minimum=0, maximum=100),
    CatalogueEntry(
        code="average_speed_of_answer", name="Average speed of answer",
        formula="total seconds answered contacts waited in the queue ÷ answered contacts",
        unit="seconds", direction="lower", standard="iso_18295",
        description="Contact-centre KPI (ISO 18295-1 service requirements)", minimum=0),
    CatalogueEntry(
        code="abandonment_rate", name="Abandonment rate",
        formula="contacts abandoned by the customer before an answer ÷ contacts offered × 100",
        unit="percent", direction="lower", standard="iso_18295",
        description="Contact-centre KPI (ISO 18295-1 service requirements)", minimum=0, maximum=100),
    CatalogueEntry(
        code="service_level", name="Service level",
        formula="contacts answered within N seconds ÷ contacts offered × 100 (state N in the KPI "
                "name, e.g. 80% within 20 s)",
        unit="percent", direction="higher", standard="iso_18295",
        description="Contact-centre KPI (ISO 18295-1 service requirements)", minimum=0, maximum=100),
    CatalogueEntry(
        code="average_handle_time", name="Average handle time",
        formula="(talk + hold + after-contact work seconds) ÷ handled contacts",
        unit="seconds", direction="lower", standard="iso_18295",
        description="Contact-centre KPI (ISO 18295-1 service requirements)", minimum=0),
    CatalogueEntry(
        code="social_first_response_hours", name="Social media first response time",
        formula="mean of (first response time − time the post was received), in hours, over the "
                "posts received in the period that were answered",
        unit="hours", direction="lower", standard="custom",
        description="USPS OIG MS-AR-17-006: 16 hours on average in FY2016 against a 6-hour target",
        minimum=0, voc_measure="voc.first_response_hours_mean"),
    CatalogueEntry(
        code="social_within_target", name="Social media responses within target",
        formula="posts answered within the department's response target ÷ posts due a response × 100",
        unit="percent", direction="higher", standard="custom",
        description="USPS OIG MS-AR-17-006: 43% of responses met the 6-hour target in FY2016",
        minimum=0, maximum=100, voc_measure="voc.within_target_share"),
    CatalogueEntry(
        code="classification_accuracy", name="Classification accuracy (second look)",
        formula="(1 − misclassified ÷ reviewed) × 100 over the items of the department's closed "
                "second-look samples of the period (one plan: 1 − its rate)",
        unit="percent", direction="higher", standard="custom",
        description="USPS OIG MS-AR-17-006: 48 of 205 posts closed as not actionable were actionable "
                    "(77% accuracy); computed from the review plans' closed samples",
        minimum=0, maximum=100, voc_measure="reviews.classification_accuracy"),
)

BY_CODE: dict[str, CatalogueEntry] = {entry.code: entry for entry in CATALOGUE}

# VoC measures a KPI may be `derived_from`, with the unit the KPI must then have. Their values are
# computed from feedback by the VoC work, never typed in.
VOC_MEASURES: dict[str, str] = {
    "voc.within_target_share": "percent",
    "voc.first_response_hours_mean": "hours",
    "voc.first_response_hours_median": "hours",
    "voc.out_of_hours_share": "percent",
    "voc.overdue_unanswered": "count",
    "voc.volume": "count",
    "voc.reclassified_not_actionable_share": "percent",
    "voc.nps": "score",
    "voc.csat": "percent",
    "voc.ces": "score",
    "reviews.classification_accuracy": "percent",  # from the second look's closed samples
    **{f"voc.a11.{driver}": "percent" for driver in (
        "satisfaction", "trust", "effectiveness", "ease", "efficiency", "transparency",
        "humanity", "employee_helpfulness")},
}


def lookup(code: str) -> CatalogueEntry | None:
    return BY_CODE.get(code)
