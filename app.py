"""cxgov: wires the blueprints and the cross-cutting middleware. Nothing else lives here."""
from chalice import Chalice

from chalicelib.api import (
    a11,
    audit_reports,
    dashboard,
    departments,
    feedback,
    import_jobs,
    import_worker,
    journeys,
    kpis,
    recommendations,
    reminders,
    rollup,
    system,
)
from chalicelib.api import settings_users  # issue 19: the role directory
from chalicelib.api.middleware import register_middleware
from chalicelib.api import ledger  # issue 15: the RFC 6962 ledger, its stream consumer and signer

app = Chalice(app_name="cxgov")
register_middleware(app)
app.register_blueprint(system.bp)
app.register_blueprint(departments.bp)
app.register_blueprint(journeys.bp)
app.register_blueprint(kpis.bp)
app.register_blueprint(feedback.bp)
app.register_blueprint(audit_reports.bp)
app.register_blueprint(recommendations.bp)
app.register_blueprint(rollup.bp)
app.register_blueprint(dashboard.bp)
app.register_blueprint(a11.bp)
app.register_blueprint(ledger.bp)
app.register_blueprint(reminders.bp)
# Feedback from the systems departments already run (issue 12)
from chalicelib.api import import_profiles, sources  # noqa: E402

app.register_blueprint(import_profiles.bp)
app.register_blueprint(sources.bp)
app.register_blueprint(settings_users.bp)  # issue 19

# --- dashboard v2 (issue 20): monthly series for the trends ---
from chalicelib.api import series  # noqa: E402

app.register_blueprint(series.bp)
app.api.binary_types.extend(dashboard.BINARY_TYPES)  # the dashboard's USWDS fonts
# import jobs (issue 14): the routes, and the worker behind the import queue
app.register_blueprint(import_jobs.bp)
app.register_blueprint(import_worker.bp)
