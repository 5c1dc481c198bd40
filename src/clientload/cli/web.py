"""`clientload serve` (the web app) and `clientload user add` (a web account)."""

from __future__ import annotations

import getpass
import secrets
import socket
import sys
from pathlib import Path
from typing import Annotated

import typer

from clientload.errors import ClientloadError

user_app = typer.Typer(help="Web accounts.", no_args_is_help=True)

DEMO_USERS = (("admin", "admin", None), ("analyst", "analyst", None), ("manager", "manager", None))


def serve(
    directory: Annotated[Path, typer.Argument(help="The workspace folder.")],
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    demo: Annotated[bool, typer.Option("--demo",
                                       help="Create demo accounts and print passwords.")] = False,
) -> None:
    """Start the web app over the workspace (dashboard, clients, calculators, the log form)."""
    import uvicorn

    from clientload.web import create_app
    from clientload.web.auth import add_user
    from clientload.workspace import open_workspace

    ws = open_workspace(directory)
    # before the banner and the demo accounts: a taken port is one line, exit 2, and a second
    # `serve --demo` does not reset the passwords of the one already running
    listening = _listen(host, port)
    if demo:
        manager_name = _first_manager(ws)
        typer.echo("demo accounts (created now, passwords valid until replaced):")
        for username, role, _ in DEMO_USERS:
            password = secrets.token_urlsafe(9)
            add_user(ws, username, password, role, manager_name if role == "manager" else None)
            suffix = f" (sees clients of {manager_name})" if role == "manager" else ""
            typer.echo(f"  {username:8} {role:8} {password}{suffix}")
    app = create_app(ws.root, demo=demo)
    bound = listening.getsockname()[1]  # --port 0: the port the system chose
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"clientload web on http://{shown}:{bound}/ — Ctrl+C to stop")
    uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[listening])


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, or one line saying why there cannot be one."""
    if not 0 <= port <= 65535:
        raise ClientloadError(f"--port {port}: expected a port number from 1 to 65535")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise ClientloadError(f"--host {host}: not an address of this machine ({exc})") from exc
    listening = socket.socket(family, kind, proto)
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind(address)
        listening.listen(2048)
    except OSError as exc:
        listening.close()
        raise ClientloadError(
            f"{host}:{port}: cannot listen there ({exc.strerror or exc}); "
            "is clientload serve already running? choose another --port"
        ) from exc
    return listening


def _first_manager(ws) -> str | None:
    """The manager with the most clients in the results, so the demo manager sees something."""
    path = ws.out_dir / "client_metrics.parquet"
    if not path.exists():
        return "manager"
    import duckdb

    found = duckdb.execute(
        "SELECT manager FROM read_parquet(?) WHERE manager IS NOT NULL GROUP BY 1 "
        "ORDER BY count(*) DESC, 1 LIMIT 1", [str(path)]).fetchone()
    return found[0] if found else "manager"


def user_add(
    directory: Annotated[Path, typer.Argument(help="The workspace folder.")],
    name: Annotated[str, typer.Argument(help="User name to sign in with.")],
    role: Annotated[str, typer.Option("--role", help="admin | analyst | manager")],
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from standard input.")] = False,
    manager_name: Annotated[str | None, typer.Option(
        "--manager-name", help="For managers: their name as in clients.manager.")] = None,
) -> None:
    """Create or replace a web account (password asked twice unless --password-stdin)."""
    from clientload.web.auth import add_user
    from clientload.workspace import open_workspace

    ws = open_workspace(directory)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif not sys.stdin.isatty():
        raise ClientloadError(
            "no terminal to ask the password on; pass it on standard input with --password-stdin"
        )
    else:
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            raise ClientloadError("the two passwords differ; nothing was saved")
    user = add_user(ws, name, password, role, manager_name)
    extra = f", manager name {user.manager_name!r}" if user.role == "manager" else ""
    typer.echo(f"user {user.username} ({user.role}{extra}) saved in {ws.store_path}")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    user_app.command("add")(user_add)
    app.add_typer(user_app, name="user")
