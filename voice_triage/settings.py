"""Personal settings that stick between sessions: speaking rate, voice, pauses, preferred mode."""
from __future__ import annotations

import json
import logging
import math
import tomllib
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from .events import Adjust
from .storage import config_file, write_private

# What "slower" / "faster" and "give me more time" change: one table for the session's speech and listening and for
# the settings kept for next time (two copies once disagreed: "faster" spoke at 185 and saved 180).
RATE_STEP, RATE_RANGE = 20, (80, 280)  # words per minute
PAUSE_STEP, PAUSE_RANGE = 0.5, (0.5, 5.0)  # seconds of silence that end an answer
WAIT_STEP, WAIT_RANGE = 4.0, (3.0, 60.0)  # seconds to wait for the first word of an answer
MODES = ("voice", "text")
RANGES = {"rate": (RATE_RANGE, "words per minute"), "pause": (PAUSE_RANGE, "seconds"),
          "silence_timeout": (WAIT_RANGE, "seconds")}  # `settings set` refuses a value outside, rather than change it
log = logging.getLogger(__name__)


class SettingsError(Exception):
    """The settings file or a requested value is not valid."""


@dataclass
class Settings:
    """What a person can change by voice or with `voice-triage settings`."""

    rate: int = 160
    voice: str = ""
    pause: float = 1.5
    silence_timeout: float = 10.0
    mode: str = "voice"
    mic: str = ""  # an input device's index or part of its name (`voice-triage mics`); empty: the default

    def set(self, name: str, raw: str) -> None:
        """Set one value from text, checked."""
        kinds = {f.name: f.type for f in fields(self)}
        if name not in kinds:
            raise SettingsError(f"unknown setting {name!r}; settings are: {', '.join(kinds)}")
        try:
            value: Any = {"int": int, "float": float}.get(str(kinds[name]), str)(raw)
        except ValueError:
            raise SettingsError(f"{name} must be a number, not {raw!r}") from None
        if isinstance(value, float) and not math.isfinite(value):
            raise SettingsError(f"{name} must be a number, not {raw!r}")
        if name == "mode" and value not in MODES:
            raise SettingsError(f"mode must be one of {', '.join(MODES)}")
        if name in RANGES and within(value, RANGES[name][0]) != value:
            (low, high), unit = RANGES[name]
            raise SettingsError(f"{name} must be from {low:g} to {high:g} {unit}, not {raw}")
        setattr(self, name, value)

    def clamp(self) -> None:
        """Keep values in ranges a speech engine and a listener can use."""
        self.rate = int(within(self.rate, RATE_RANGE))
        self.pause = float(within(self.pause, PAUSE_RANGE))
        self.silence_timeout = float(within(self.silence_timeout, WAIT_RANGE))

    def adjust(self, event: Adjust) -> bool:
        """Apply "slower", "faster" or "give me more time"; True if something changed."""
        before = asdict(self)
        if event.setting == "rate":
            self.rate += RATE_STEP * event.step
        elif event.setting == "pause":
            self.pause += PAUSE_STEP * event.step
            self.silence_timeout += WAIT_STEP * event.step
        self.clamp()
        return asdict(self) != before


def within(value: float, bounds: tuple[float, float]) -> float:
    """`value`, kept inside `bounds`."""
    return min(max(value, bounds[0]), bounds[1])


def load(path: Path | None = None) -> Settings:
    """Read settings; a missing file gives the defaults, a broken one a SettingsError naming it."""
    path = path or config_file()
    if not path.exists():
        return Settings()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as error:
        raise SettingsError(f"{path}: {error}") from None
    settings = Settings()
    for name, value in raw.items():
        settings.set(name, str(value))
    return settings


def save(settings: Settings, path: Path | None = None) -> Path:
    """Write settings as TOML, owner-only."""
    # A JSON string is a valid TOML basic string, quotes and backslashes escaped ("Bob's USB mic", "C:\\mic").
    lines = [f"{name} = {json.dumps(value, ensure_ascii=False) if isinstance(value, str) else value}"
             for name, value in asdict(settings).items()]
    text = "# voice-triage personal settings (change with `voice-triage settings set NAME VALUE`)\n"
    path = path or config_file()
    try:
        return write_private(path, text + "\n".join(lines) + "\n")
    except OSError as error:
        raise SettingsError(f"cannot save settings to {path} ({error.strerror or error})") from None


class SettingsKeeper:
    """Speaker wrapper: passes events on and saves spoken setting changes for next time."""

    def __init__(self, inner: Any, settings: Settings, persist: bool = True) -> None:
        self.inner, self.settings, self.persist = inner, settings, persist

    def emit(self, event: Any) -> None:
        """Forward, then remember an Adjust; a settings file that cannot be written costs only the memory."""
        self.inner.emit(event)
        if isinstance(event, Adjust) and self.settings.adjust(event) and self.persist:
            try:
                save(self.settings)
            except SettingsError as error:
                log.warning("%s; the change holds for this session only", error)
                self.persist = False  # said once, not at every "slower"
