"""The app's routes, one module per area; each exposes `router`."""

from clientload.web.pages import (
    admin,
    clients,
    importing,
    letters,
    onec,
    overview,
    session,
    work,
)

MODULES = (session, overview, clients, letters, work, importing, admin, onec)
