"""`clientload run` and `clientload history`: compute the model, and follow it run over run."""

from __future__ import annotations

from pathlib import Path

import typer


def _money(value: float) -> str:
    return f"{value:,.0f}".replace(",", " ")


_DIRECTORY = typer.Argument(..., help="The workspace folder.")


def run(
    directory: Path = _DIRECTORY,
    engine: str = typer.Option("duckdb", "--engine", help="duckdb (default) or spark."),
    period: str = typer.Option(
        None,
        "--period",
        help="START:END as YYYY-MM-DD or YYYY-MM; default: the last analysis.period_months "
        "months ending at the last sales date.",
    ),
    rebuild: bool = typer.Option(
        False,
        "--rebuild",
        help="Recompute the monthly summaries of the sales lines from the lines (otherwise "
        "only the months that changed since the last run are).",
    ),
) -> None:
    """Compute the client load model and write every output table to DIR/out/."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from clientload.progress import progress_bar
    from clientload.run import run_model

    with progress_bar() as report:
        result = run_model(
            directory, period=period, engine=engine, progress=report, rebuild=rebuild
        )
    info = result.info
    head = info["headlines"]
    segments = result.tables["segments"].to_pylist()
    capacity = result.tables["capacity"].to_pylist()
    currency = info["currency"]
    table = Table(title=f"clientload run {info['period_start']} … {info['period_end']}")
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_row("clients", str(head["clients"]))
    table.add_row(f"revenue, {currency}", _money(head["revenue"]))
    table.add_row(f"gross margin, {currency}", _money(head["gross_margin"]))
    table.add_row(f"cost to serve, {currency}", _money(head["cost_to_serve"]))
    table.add_row(f"contribution, {currency}", _money(head["total_contribution"]))
    table.add_row(f"unused capacity, {currency}", _money(head["unused_capacity_cost"]))
    for row in segments:
        table.add_row(f"  {row['segment']} ({row['label_en']})", str(row["clients"]))
    over = [r["department"] for r in capacity if r["over_capacity"]]
    table.add_row("over capacity", ", ".join(over) or "none")
    table.add_row("time, s", f"{info['timings']['total']:.1f}")
    console = Console()
    console.print(table)
    for warning in info.get("warnings", []):
        console.print(f"[yellow]warning:[/yellow] {escape(warning['en'])}")
    console.print(f"results in {result.out_dir}")


def history(directory: Path = _DIRECTORY) -> None:
    """Period over period: clients, load, contribution and deviations per group; migrations."""
    from rich.console import Console
    from rich.table import Table

    from clientload.run import read_history

    h = read_history(directory)
    console = Console()
    if not h.runs:
        console.print("no runs yet; compute one with `clientload run DIR`")
        return
    groups = Table(title="client groups, run by run")
    for col in ("run", "period", "group", "clients", "load, h", "contribution", "deviations"):
        groups.add_column(
            col, justify="left" if col in ("period", "group") else "right", no_wrap=True
        )
    for row in h.groups:
        groups.add_row(
            str(row["run_id"]),
            f"{row['period_start']}…{row['period_end']}",
            row["segment"],
            str(row["clients"]),
            _money(row["load_minutes"] / 60),
            _money(row["contribution"]),
            _money(row["deviations_cost"]),
        )
    console.print(groups)
    if h.migrations:
        moves = Table(title="migrations between groups (previous run → this run)")
        for col in ("run", "from", "to", "clients"):
            moves.add_column(col, justify="right" if col in ("run", "clients") else "left")
        for row in h.migrations:
            moves.add_row(
                str(row["run_id"]), row["from_segment"], row["to_segment"], str(row["clients"])
            )
        console.print(moves)


def register(app: typer.Typer) -> None:
    app.command("run")(run)
    app.command("history")(history)
