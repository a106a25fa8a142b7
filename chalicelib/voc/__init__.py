"""Voice of the customer: reading the formats of the systems departments already run (import
profiles), following their records over time (updates), and pulling Open311 sources on a schedule.
`chalicelib.voc.feedback` stays the entry point of the import (`import_feedback`)."""
