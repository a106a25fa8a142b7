"""cxgov: registers every domain's routes and the cross-cutting middleware. Nothing else lives here."""
from chalice import Chalice

from chalicelib.a11 import routes as a11
from chalicelib.assessments import routes as assessments
from chalicelib.audits import recommendations_routes, reports_routes
from chalicelib.core.lazy import lazy
from chalicelib.http import system
from chalicelib.http.middleware import register_middleware
from chalicelib.http.routing import use_directory
from chalicelib.imports import kinds as import_kinds, routes as imports, worker_handler as import_worker
from chalicelib.kpis import routes as kpis
from chalicelib.ledger import routes as ledger
from chalicelib.org import departments_routes, directory_routes, journeys_routes
from chalicelib.peers import routes as peers
from chalicelib.reminders import routes as reminders
from chalicelib.reviews import routes as reviews
from chalicelib.surveys import public_routes as survey_pages, routes as surveys
from chalicelib.reporting import dashboard_routes, rollup_routes, series_routes
from chalicelib.voc import feedback_routes, profiles_routes, sources_routes
from chalicelib.watch import routes as watch

app = Chalice(app_name="cxgov")
register_middleware(app)
use_directory(lazy("chalicelib.org.service", "grant_of"))  # roles for tokens that name none
import_kinds.register("peer_set", "chalicelib.peers.ingest")  # the import worker fills peer sets too
app.api.binary_types.extend(dashboard_routes.BINARY_TYPES)  # the dashboard's USWDS fonts
for routes in (
    system, departments_routes, journeys_routes, kpis, feedback_routes, profiles_routes, sources_routes,
    imports, import_worker, reports_routes, recommendations_routes, reminders, ledger, rollup_routes,
    series_routes, dashboard_routes, a11, directory_routes, surveys, survey_pages, assessments, peers, reviews,
    watch,
):
    app.register_blueprint(routes.bp)
