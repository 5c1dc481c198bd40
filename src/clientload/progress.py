"""Progress reporting shared by long jobs (import, generate, run, export).

Library functions take an optional `progress: ProgressFn` and call it as
`progress(stage, done, total)`; they never print. The command line turns the calls into a Rich
progress bar with `progress_bar()`; tests and the Python API pass nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

ProgressFn = Callable[[str, int, int], None]


def no_progress(stage: str, done: int, total: int) -> None:
    """The default: report nothing."""


@contextmanager
def progress_bar(description: str = "") -> Iterator[ProgressFn]:
    """A Rich progress bar on stderr; each new stage gets its own line."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
    )

    console = Console(stderr=True)
    tasks: dict[str, TaskID] = {}
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
        # Redirected to a file or a pipe: no bar, so an error stays the only line on stderr.
        disable=not console.is_terminal,
    ) as bar:

        def report(stage: str, done: int, total: int) -> None:
            label = f"{description}{stage}" if description else stage
            if stage not in tasks:
                tasks[stage] = bar.add_task(label, total=max(total, 1))
            bar.update(tasks[stage], completed=done, total=max(total, 1))

        yield report
