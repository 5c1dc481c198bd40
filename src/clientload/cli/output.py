"""Files a command writes where the user said: a folder given instead of a file, or a folder that
does not exist yet, become one line before any work is done (or the folder is made)."""

from __future__ import annotations

from pathlib import Path

from clientload.errors import ClientloadError
from clientload.messages import Message


def output_file(path: Path, option: str, example: str) -> Path:
    """`path` ready to be written: not a folder, its folder created if missing."""
    if path.is_dir():
        raise ClientloadError(Message(
            "{option} {path}: is a folder; give a file name, e.g. {example}",
            option=option, path=path, example=path / example,
        ))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ClientloadError(Message(
            "{option} {path}: cannot create the folder {folder} ({reason})",
            option=option, path=path, folder=path.parent, reason=str(exc.strerror or exc),
        )) from exc
    return path
