"""The errors careerbot raises to its users: one type per kind, each message saying what to do."""
from __future__ import annotations


class CareerbotError(Exception):
    """Something a user can fix; the message is one line that says how."""


class QuestionError(CareerbotError, ValueError):
    """The question is empty, blank or not text."""


class CorpusError(CareerbotError):
    """The corpus folder is missing, empty or holds no readable guide."""


class IndexError_(CareerbotError):
    """The index is missing, damaged, stale or built by another model."""


class BuildLockedError(CareerbotError):
    """Another process is building the same index right now."""
