"""OMB Circular A-11 §280 reporting with GSA Touchpoints: the quarterly CX collection export and
the Touchpoints response layout (in through the `touchpoints` import profile, out as a CSV)."""
