"""The app's routes, one module per area; each exposes `router`."""

from clientload.web.pages import (
    admin,
    clients,
    importing,
    letters,
    onec,
    overview,
    report,
    session,
    setup,
    survey,
    work,
)

MODULES = (session, overview, report, clients, letters, work, importing, admin, setup, survey, onec)
