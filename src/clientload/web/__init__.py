"""The web app: dashboard, clients, client card, calculators, interaction log, import, settings.

`create_app(workspace_dir)` builds it; `clientload serve DIR` runs it with uvicorn.
"""

from clientload.web.app import create_app

__all__ = ["create_app"]
