"""`govgraph serve`: run the API and the pages."""

from __future__ import annotations

import typer

from govgraph.cli.output import out, reports_errors
from govgraph.core.settings import get_settings


@reports_errors
def serve_cmd(
    host: str = typer.Option(None, help="Default: GOVGRAPH_HOST (127.0.0.1)."),
    port: int = typer.Option(None, help="Default: GOVGRAPH_PORT (8000)."),
) -> None:
    """Serve the API and the pages."""
    import uvicorn

    settings = get_settings()
    h, p = host or settings.host, port or settings.port
    out.print(f"govgraph on http://{h}:{p}/  (API docs: http://{h}:{p}/docs)")
    proxies = settings.forwarded_allow_ips  # unset: no client may claim another address
    uvicorn.run(
        "govgraph.api.main:app",
        host=h,
        port=p,
        log_level="warning",
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or "",
    )
