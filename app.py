"""cxgov: wires the blueprints and the cross-cutting middleware. Nothing else lives here."""
from chalice import Chalice

from chalicelib.a11 import routes as a11
from chalicelib.audits import reports_routes as audit_reports, recommendations_routes as recommendations
from chalicelib.reporting import (
    dashboard_routes as dashboard,
    rollup_routes as rollup,
    series_routes as series,
)
from chalicelib.org import (
    departments_routes as departments,
    journeys_routes as journeys,
    directory_routes as settings_users,
)
from chalicelib.voc import (
    feedback_routes as feedback,
    profiles_routes as import_profiles,
    sources_routes as sources,
)
from chalicelib.imports import routes as import_jobs, worker_handler as import_worker
from chalicelib.kpis import routes as kpis
from chalicelib.ledger import routes as ledger
from chalicelib.reminders import routes as reminders
from chalicelib.http import system
from chalicelib.http.middleware import register_middleware

app = Chalice(app_name="cxgov")
register_middleware(app)
app.api.binary_types.extend(dashboard.BINARY_TYPES)  # the dashboard's USWDS fonts
for blueprint in (
    system, departments, journeys, kpis, feedback, import_profiles, sources, import_jobs, import_worker,
    audit_reports, recommendations, reminders, ledger, rollup, series, dashboard, a11, settings_users,
):
    app.register_blueprint(blueprint.bp)
