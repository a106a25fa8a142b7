"""cxgov: wires the blueprints and the cross-cutting middleware. Nothing else lives here."""
from chalice import Chalice

from chalicelib.api import (
    audit_reports,
    dashboard,
    departments,
    feedback,
    journeys,
    kpis,
    recommendations,
    rollup,
    system,
)
from chalicelib.api.middleware import register_middleware

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

# --- dashboard v2 (issue 20): monthly series for the trends ---
from chalicelib.api import series  # noqa: E402

app.register_blueprint(series.bp)
app.api.binary_types.extend(dashboard.BINARY_TYPES)  # the dashboard's USWDS fonts
