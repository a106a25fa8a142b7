"""cxgov: wires the blueprints and the cross-cutting middleware. Nothing else lives here."""
from chalice import Chalice

from chalicelib.api import (
    a11,
    audit_reports,
    dashboard,
    departments,
    feedback,
    import_jobs,
    import_profiles,
    import_worker,
    journeys,
    kpis,
    ledger,
    recommendations,
    reminders,
    rollup,
    series,
    settings_users,
    sources,
    system,
)
from chalicelib.api.middleware import register_middleware

app = Chalice(app_name="cxgov")
register_middleware(app)
app.api.binary_types.extend(dashboard.BINARY_TYPES)  # the dashboard's USWDS fonts
for blueprint in (
    system, departments, journeys, kpis, feedback, import_profiles, sources, import_jobs, import_worker,
    audit_reports, recommendations, reminders, ledger, rollup, series, dashboard, a11, settings_users,
):
    app.register_blueprint(blueprint.bp)
