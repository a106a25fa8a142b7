"""The org-wide RFC 6962 log of every recommendation history entry (docs/ledger.md)."""
