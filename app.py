"""cxgov: wires the blueprints and the cross-cutting middleware. Nothing else lives here."""
from chalice import Chalice

from chalicelib.api import (
    a11,
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
app.register_blueprint(a11.bp)
