"""Where personal data lives, created owner-only: sessions under the XDG data folder."""
from __future__ import annotations

import errno
import fcntl
import os
import tempfile
from pathlib import Path

APP = "voice-triage"


def data_dir() -> Path:
    """$VOICE_TRIAGE_DATA, else $XDG_DATA_HOME/voice-triage, else ~/.local/share/voice-triage."""
    if os.environ.get("VOICE_TRIAGE_DATA"):
        return Path(os.environ["VOICE_TRIAGE_DATA"])
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / APP


def data_dir_from_environment() -> bool:
    """Whether $VOICE_TRIAGE_DATA chose the data folder (a problem there is fixed there, not by setting it)."""
    return bool(os.environ.get("VOICE_TRIAGE_DATA"))


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
    created = not path.exists()
    handle = os.open(path, flags, 0o600)
    os.fchmod(handle, 0o600)
    if created:
        sync_folder(path.parent)  # a new journal's name survives a power cut, not only its lines
    return os.fdopen(handle, mode, encoding="utf-8")


def sync_folder(folder: Path) -> None:
    """Force a folder's entries (a new or renamed file) to disk; a file system that cannot is let be."""
    try:
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:  # some file systems refuse to sync a folder (EINVAL): the file itself is synced
        pass
    finally:
        os.close(handle)


def unwritable_reason(path: Path, trial: bool = True) -> str | None:
    """Why a file cannot be written at `path` (no file name, a folder, a link or a device, under a file, or in a
    folder that cannot be written to), or None. Checked before an interview, so its answers are not lost at the end;
    `trial`: make and remove a file to be sure (not needed just before writing, which tries anyway)."""
    if not path.name or path.name in (".", ".."):
        return "that is not a file name"
    if path.is_dir() and not path.is_symlink():
        return "it is a folder"
    if path.is_symlink() or (path.exists() and not path.is_file()):
        # The rename that makes a write atomic would replace the link or device itself (/dev/stdout, as root).
        return "it is not a regular file"
    folder = next(parent for parent in path.absolute().parents if parent.exists())
    if not folder.is_dir():
        return f"{folder} is a file, not a folder"
    if not os.access(folder, os.W_OK | os.X_OK):  # also a read-only file system, even as root
        return f"the folder {folder} cannot be written to"
    # /proc and /sys pass the access check
    if trial and folder == path.absolute().parent and not _can_create_in(folder):
        return f"the folder {folder} cannot hold new files"
    return None


def _can_create_in(folder: Path) -> bool:
    """Whether a new file can really be made in the folder (made and removed at once)."""
    try:
        handle, trial = tempfile.mkstemp(prefix=".voice-triage-check.", dir=folder)
    except OSError:
        return False
    os.close(handle)
    Path(trial).unlink(missing_ok=True)
    return True


def write_private(path: Path, text: str) -> Path:
    """Write a whole file atomically (a new temporary file, then rename) with owner-only permissions; a path that is
    a folder, a link or a device is refused (OSError) rather than replaced."""
    reason = unwritable_reason(path, trial=False)  # the temporary file below is the trial
    if reason:
        raise OSError(errno.EINVAL, reason, str(path))
    private_dir(path.parent)
    # A new, uniquely named file (O_EXCL): a fixed name followed a link planted there, and two sessions collided.
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise OSError(error.errno, error.strerror, str(path)) from error
    try:
        os.fchmod(handle, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
        sync_folder(path.parent)  # the rename itself survives a power cut
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)  # a disk that filled up leaves no half-written file behind
        if isinstance(error, OSError):  # named by the file asked for: the temporary file's name means nothing
            raise OSError(error.errno, error.strerror, str(path)) from error
        raise
    return path


def sessions_dir() -> Path:
    """The folder that holds session journals and their reports."""
    return data_dir() / "sessions"


def stored_sessions() -> set[str]:
    """The names of the sessions kept in the sessions folder (a journal, report and summaries share one)."""
    folder = sessions_dir()
    if not folder.exists():
        return set()
    return {_session_of(path) for path in _files(folder) if not path.name.startswith(".")}


def _files(folder: Path) -> list[Path]:
    """The files (and links) in a folder: a folder someone made in there is not ours."""
    return [path for path in folder.iterdir() if path.is_file() or path.is_symlink()]


def forget() -> tuple[int, int]:
    """Delete every stored session and report, but for sessions still running; returns how many sessions were
    deleted and how many were kept because a voice-triage has them open."""
    folder, sessions = sessions_dir(), stored_sessions()
    # A running session would write its report back after forget, and its journal would be gone from under it
    running = {name for name in sessions if _in_use(folder / f"{name}.jsonl")}
    for path in _files(folder) if sessions else []:  # one that cannot go must not stop the rest
        if _session_of(path) not in running:
            path.unlink()
    return len(sessions - running), len(running)


def forget_session(journal: Path) -> bool:
    """Delete one session's files (its journal, and a report beside it); False if one could not be deleted."""
    name = _session_of(journal)
    try:
        for path in _files(journal.parent):
            if _session_of(path) == name:
                path.unlink(missing_ok=True)
    except OSError:
        return False
    return True


def _session_of(path: Path) -> str:
    """The session a file belongs to: its name up to the first dot (journal, report and summaries share it)."""
    return path.name.split(".")[0]


def _in_use(journal: Path) -> bool:
    """Whether a running voice-triage holds this journal (it keeps an exclusive lock while the session runs)."""
    try:
        with open(journal, "rb") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:  # no journal (a report only), or not one we can open: nothing holds it
        return False
    return False
