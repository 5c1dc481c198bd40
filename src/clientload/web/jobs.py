"""Recalculation (and imports from the mapping screen) in a background thread, with progress the
page polls.

One recalculation at a time per app. The model runs in this process (so its store connection does
not fight the app's), reporting through the common `progress(stage, done, total)` callback. An
import started from the mapping screen runs the same way, one job per uploaded file.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

from clientload.workspace import Workspace

Runner = Callable[[Workspace, Callable[[str, int, int], None]], Any]


def model_runner(ws: Workspace, progress: Callable[[str, int, int], None]) -> Any:
    """Run the model of `clientload run` on the workspace with default options.

    The app's writes (imports, logged interactions, settings) wait meanwhile: the model's
    queries run on several connections, each its own transaction, so an import committed half-way
    through would reach some of its tables and not others.
    """
    from clientload.run import run_model
    from clientload.web.store import WRITE_LOCK

    with WRITE_LOCK:
        return run_model(ws.root, progress=progress)


@dataclass
class Job:
    state: str = "idle"  # idle | running | done | failed
    stage: str = ""
    done: int = 0
    total: int = 0
    started: float | None = None
    finished: float | None = None
    error: str | None = None
    started_by: str | None = None
    _thread: threading.Thread | None = field(default=None, repr=False)
    _outcome: Any = field(default=None, repr=False)  # what the runner returned

    def as_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}
        if self.started:
            out["seconds"] = round((self.finished or time.time()) - self.started, 1)
        return out


class Recalculation:
    def __init__(self, ws: Workspace, runner: Runner | None = None,
                 warm: Callable[[], None] | None = None):
        self.ws = ws
        self.runner = runner or model_runner
        self.warm = warm  # reads the new results into memory, so the first page after is fast
        self.job = Job()
        self._lock = threading.Lock()

    def start(self, username: str) -> bool:
        """Start a run unless one is going; True when this call started it."""
        with self._lock:
            if self.job.state == "running":
                return False
            self.job = Job(state="running", started=time.time(), started_by=username)
            job = self.job
        job._thread = threading.Thread(target=self._run, args=(job,), daemon=True,
                                       name="clientload-recalculate")
        job._thread.start()
        return True

    def _run(self, job: Job) -> None:
        def progress(stage: str, done: int, total: int) -> None:
            job.stage, job.done, job.total = stage, done, total

        from clientload.errors import ClientloadError
        from clientload.settings import SettingsError
        from clientload.web.errors import logged, unexpected

        try:
            job._outcome = self.runner(self.ws, progress)
        except (ClientloadError, SettingsError) as exc:  # the user's input: said, no traceback
            job.error = exc.message  # a Message: the page shows it in its language
            job.state = "failed"
        except Exception as exc:  # logged with an id for the page; the server keeps running
            doing = getattr(self.runner, "__qualname__", "a background job")
            job.error = unexpected(logged(exc, f"running {doing}"))
            job.state = "failed"
        else:
            if self.warm is not None:
                # the pages read the tables themselves when this cannot
                with contextlib.suppress(Exception):
                    self.warm()
            job.state = "done"
        job.finished = time.time()

    def wait(self, timeout: float | None = None) -> Job:
        thread = self.job._thread
        if thread is not None:
            thread.join(timeout)
        return self.job
