"""Where personal data lives, created owner-only: sessions under the XDG data folder."""
from __future__ import annotations

import errno
import os
from pathlib import Path

APP = "voice-triage"


def data_dir() -> Path:
    """$VOICE_TRIAGE_DATA, else $XDG_DATA_HOME/voice-triage, else ~/.local/share/voice-triage."""
    if os.environ.get("VOICE_TRIAGE_DATA"):
        return Path(os.environ["VOICE_TRIAGE_DATA"])
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / APP


def config_file() -> Path:
    """$VOICE_TRIAGE_CONFIG, else $XDG_CONFIG_HOME/voice-triage/settings.toml."""
    if os.environ.get("VOICE_TRIAGE_CONFIG"):
        return Path(os.environ["VOICE_TRIAGE_CONFIG"])
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / APP / "settings.toml"


def private_dir(path: Path) -> Path:
    """Create a folder and any missing parents readable by the owner only (existing parents are left alone)."""
    missing = [p for p in [path, *path.parents] if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)  # mkdir's mode is reduced by the umask
    return path


def open_private(path: Path, mode: str = "w"):
    """Open a file for writing that only the owner can read, whatever the umask."""
    private_dir(path.parent)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if "a" in mode else os.O_TRUNC)
    handle = os.open(path, flags, 0o600)
    os.fchmod(handle, 0o600)
    return os.fdopen(handle, mode, encoding="utf-8")


def unwritable_reason(path: Path) -> str | None:
    """Why a report cannot be written at `path` (no file name, a folder, a link or a device), or None."""
    if not path.name or path.name in (".", ".."):
        return "that is not a file name"
    if path.is_dir() and not path.is_symlink():
        return "it is a folder"
    if path.is_symlink() or (path.exists() and not path.is_file()):
        # The rename that makes a write atomic would replace the link or device itself (/dev/stdout, as root).
        return "it is not a regular file"
    return None


def write_private(path: Path, text: str) -> Path:
    """Write a whole file atomically (temporary file, then rename) with owner-only permissions; a path that is a
    folder, a link or a device is refused (OSError) rather than replaced."""
    reason = unwritable_reason(path)
    if reason:
        raise OSError(errno.EINVAL, reason, str(path))
    temporary = path.with_name(f".{path.name}.tmp")
    with open_private(temporary) as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    return path


def sessions_dir() -> Path:
    """The folder that holds session journals and their reports."""
    return data_dir() / "sessions"


def forget() -> int:
    """Delete every stored session and report; returns how many sessions were deleted."""
    folder = sessions_dir()
    if not folder.exists():
        return 0
    sessions = {path.name.split(".")[0] for path in folder.iterdir() if not path.name.startswith(".")}
    for path in folder.iterdir():
        path.unlink()
    return len(sessions)
