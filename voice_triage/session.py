"""Run one dialog with a listener and a speaker until it ends."""
from __future__ import annotations

import logging
from typing import Any

from .dialog import Dialog
from .events import Ask, End, Listener, Speaker

log = logging.getLogger(__name__)


class Interrupted(Exception):
    """The process was asked to stop (SIGINT / SIGTERM)."""


def run(dialog: Dialog, listener: Listener, speaker: Speaker) -> dict[str, Any]:
    """Drive the dialog to its end and return the report; an interruption still yields a report."""
    events = dialog.start()
    try:
        while True:
            for event in events:
                speaker.emit(event)
            if any(isinstance(event, End) for event in events):
                return dialog.report
            ask = next((e for e in reversed(events) if isinstance(e, Ask)), None)
            heard = listener.listen(ask) if ask else None
            events = dialog.end_of_input() if heard is None else dialog.hear(heard)
    except (Interrupted, KeyboardInterrupt):
        log.info("interrupted; ending with what was gathered")
        for event in dialog.end_of_input("interrupted"):
            speaker.emit(event)
        return dialog.report
