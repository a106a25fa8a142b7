"""Surveys a department collects first-hand on its own pages (issue 30)."""
