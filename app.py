"""cxgov: wires the blueprints and the cross-cutting middleware. Nothing else lives here."""
from chalice import Chalice

from chalicelib.api import (
    audit_reports,
    dashboard,
    departments,
    feedback,
    import_jobs,
    import_worker,
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
# import jobs (issue 14): the routes, and the worker behind the import queue
app.register_blueprint(import_jobs.bp)
app.register_blueprint(import_worker.bp)
