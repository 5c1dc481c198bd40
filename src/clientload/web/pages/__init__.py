"""The app's routes, one module per area; each exposes `router`."""

from clientload.web.pages import (
    admin,
    clients,
    importing,
    letters,
    onec,
    overview,
    session,
    setup,
    survey,
    work,
)

MODULES = (session, overview, clients, letters, work, importing, admin, setup, survey, onec)
