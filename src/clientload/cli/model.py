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
    from clientload.cli.lang import cli_language, count, day, texts

    lang = cli_language()
    _ = texts(lang)
    info = result.info
    head = info["headlines"]
    segments = result.tables["segments"].to_pylist()
    capacity = result.tables["capacity"].to_pylist()
    currency = info["currency"]

    def money(value: float) -> str:
        return _money(value) if lang == "en" else count(value, lang)

    table = Table(title=_("clientload run {start} … {end}").format(
        start=day(info["period_start"], lang), end=day(info["period_end"], lang)))
    table.add_column(_("figure"))
    table.add_column(_("value"), justify="right")
    table.add_row(_("clients"), count(head["clients"], lang, grouped=False))
    table.add_row(_("revenue, {currency}").format(currency=currency), money(head["revenue"]))
    table.add_row(_("gross margin, {currency}").format(currency=currency),
                  money(head["gross_margin"]))
    table.add_row(_("cost to serve, {currency}").format(currency=currency),
                  money(head["cost_to_serve"]))
    table.add_row(_("contribution, {currency}").format(currency=currency),
                  money(head["total_contribution"]))
    table.add_row(_("unused capacity, {currency}").format(currency=currency),
                  money(head["unused_capacity_cost"]))
    for row in segments:
        label = row["label_ru"] if lang == "ru" else row["label_en"]
        table.add_row(f"  {row['segment']} ({label})", count(row["clients"], lang, grouped=False))
    over = [r["department"] for r in capacity if r["over_capacity"]]
    table.add_row(_("over capacity"), ", ".join(over) or _("none"))
    table.add_row(_("time, s"), count(info["timings"]["total"], lang, 1, grouped=False))
    console = Console()
    console.print(table)
    said = _("warning:")
    for warning in info.get("warnings", []):
        console.print(f"[yellow]{said}[/yellow] {escape(warning.get(lang) or warning['en'])}")
    console.print(_("results in {folder}").format(folder=result.out_dir))


def history(directory: Path = _DIRECTORY) -> None:
    """Period over period: clients, load, contribution and deviations per group; migrations."""
    from rich.console import Console
    from rich.table import Table

    from clientload.cli.lang import cli_language, count, day, texts
    from clientload.run import read_history

    lang = cli_language()
    _ = texts(lang)

    def money(value: float) -> str:
        return _money(value) if lang == "en" else count(value, lang)

    h = read_history(directory)
    console = Console()
    if not h.runs:
        console.print(_("no runs yet; compute one with `clientload run DIR`"))
        return
    groups = Table(title=_("client groups, run by run"))
    for col in ("run", "period", "group", "clients", "load, h", "contribution", "deviations"):
        groups.add_column(
            _(col), justify="left" if col in ("period", "group") else "right", no_wrap=True
        )
    for row in h.groups:
        groups.add_row(
            str(row["run_id"]),
            f"{day(row['period_start'], lang)}…{day(row['period_end'], lang)}",
            row["segment"],
            count(row["clients"], lang, grouped=False),
            money(row["load_minutes"] / 60),
            money(row["contribution"]),
            money(row["deviations_cost"]),
        )
    console.print(groups)
    if h.migrations:
        moves = Table(title=_("migrations between groups (previous run → this run)"))
        for col in ("run", "from", "to", "clients"):
            moves.add_column(_(col), justify="right" if col in ("run", "clients") else "left")
        for row in h.migrations:
            moves.add_row(
                str(row["run_id"]), row["from_segment"], row["to_segment"],
                count(row["clients"], lang, grouped=False),
            )
        console.print(moves)


def register(app: typer.Typer) -> None:
    app.command("run")(run)
    app.command("history")(history)
