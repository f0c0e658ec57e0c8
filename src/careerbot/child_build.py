"""Build an index in a child process, as the app's server does: the model that embeds the guides (and
torch with it) is never loaded into the server, and the server goes on answering while the child works."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from typing import IO

from .errors import CareerbotError
from .settings import Settings


@dataclass
class _Child:
    process: subprocess.Popen
    log: IO[bytes]  # its standard error, in a file: progress bars would fill a pipe
    corpus_stats: dict  # the guides as they were when it started


_running: dict[tuple, _Child] = {}
_failed: dict[tuple, tuple[dict, str]] = {}  # the guides as a failed build saw them, and why it failed
_lock = threading.Lock()


def _key(settings: Settings) -> tuple:
    return (settings.corpus, settings.index)


def _last_line(child: _Child) -> str:
    child.log.seek(0)
    lines = [line.strip() for line in child.log.read().decode("utf-8", "replace").replace("\r", "\n").splitlines()]
    lines = [line for line in lines if line]
    message = lines[-1] if lines else f"the index build stopped with status {child.process.returncode}"
    return message.removeprefix("careerbot: ")


def _finish(key: tuple, child: _Child) -> None:
    """Note how a child that has exited ended: its summary on standard error, or its failure."""
    _running.pop(key, None)
    message = _last_line(child)
    child.log.close()
    if child.process.returncode == 0:
        _failed.pop(key, None)
        print(f"careerbot: {message}", file=sys.stderr)
    else:
        _failed[key] = (child.corpus_stats, message)


def start(settings: Settings, why: str) -> None:
    """Start building this index in a child process, unless a build of it is running. Raises CareerbotError
    with the reason when the last child's build failed and the guides have not changed since."""
    from .corpus import file_stats
    from .index import build_in_progress

    key = _key(settings)
    with _lock:
        child = _running.get(key)
        if child and child.process.poll() is None:
            return
        if child:
            _finish(key, child)
        stats = file_stats(settings.corpus)
        if key in _failed and _failed[key][0] == stats:
            raise CareerbotError(_failed[key][1])
        if build_in_progress(settings):  # another process (`careerbot index`) is at it
            return
        print(f"careerbot: {why}", file=sys.stderr)
        log = tempfile.TemporaryFile()
        process = subprocess.Popen(
            [sys.executable, "-m", "careerbot.cli", "index", "--corpus", str(settings.corpus),
             "--index", str(settings.index)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
            env={**os.environ, "HF_HUB_OFFLINE": "1"})
        _running[key] = _Child(process, log, stats)


def wait(settings: Settings) -> None:
    """Wait for the running build of this index to end, this process's child or another process's build.
    Raises CareerbotError with the child's own one-line message when it failed."""
    from .index import wait_for_build

    key = _key(settings)
    child = _running.get(key)
    if child is not None:
        child.process.wait()
        with _lock:
            if _running.get(key) is child:
                _finish(key, child)
        if key in _failed:
            raise CareerbotError(_failed[key][1])
    wait_for_build(settings)
