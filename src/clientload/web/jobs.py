"""Recalculation (and imports from the mapping screen) in a background thread, with progress the
page polls.

One recalculation at a time per app. The model runs in this process (so its store connection does
not fight the app's), reporting through the common `progress(stage, done, total)` callback. An
import started from the mapping screen runs the same way, one job per uploaded file.
"""

from __future__ import annotations

import threading
import time
import traceback
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
    def __init__(self, ws: Workspace, runner: Runner | None = None):
        self.ws = ws
        self.runner = runner or model_runner
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

        try:
            job._outcome = self.runner(self.ws, progress)
        except ClientloadError as exc:  # a problem of the user's input: said, not a traceback
            job.error = str(exc)
            job.state = "failed"
        except Exception as exc:  # the page shows the error; the server keeps running
            job.error = f"{type(exc).__name__}: {exc}"
            job.state = "failed"
            traceback.print_exc()
        else:
            job.state = "done"
        job.finished = time.time()

    def wait(self, timeout: float | None = None) -> Job:
        thread = self.job._thread
        if thread is not None:
            thread.join(timeout)
        return self.job
