"""The job service's web dashboard, served under ``/ui/`` by the same ``qfusion serve``.

Server-rendered pages (Jinja2, autoescaped) with one small script for live updates; every asset
ships in the package (nothing is fetched from the internet). :func:`install` adds the routes to an
application; ``qfusion serve --no-dashboard`` leaves them out.
"""

from __future__ import annotations

from qfusion.service.server.ui.session import server_secret


def install(app, *, secret: bytes | None = None) -> None:
    """Serve the dashboard from ``app`` (signing its sessions with ``secret``, default :func:`server_secret`)."""
    from qfusion.service.server.ui.pages import router
    app.state.ui_secret = secret or server_secret()
    app.include_router(router)


__all__ = ["install"]
