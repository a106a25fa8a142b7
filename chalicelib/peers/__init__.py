"""Peers outside the organisation (issue 29): other governments' published figures."""
