"""voice-triage models download: fetch, verify and safely unpack the Vosk English model.

The only code in the project that uses the network. Exit codes: 0 done (or already installed),
1 network or disk error, 2 bad arguments, 3 checksum mismatch, 4 unsafe or broken archive.
"""
from __future__ import annotations

import argparse
import hashlib
import http.client
import logging
import shutil
import stat
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import BinaryIO, TextIO

from voice_triage.arguments import ArgumentParser
from voice_triage.voice.english_model import MODEL_NAME, MODEL_SHA256, MODEL_URL

log = logging.getLogger(__name__)

EXIT_OK, EXIT_IO, EXIT_USAGE, EXIT_CHECKSUM, EXIT_ARCHIVE = 0, 1, 2, 3, 4
BLOCK = 1 << 16


class DownloadError(Exception):
    """A failure with a one-line message and an exit code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Command-line options; all overridable for tests and mirrors."""
    p = ArgumentParser(prog="voice-triage models download", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", default=MODEL_URL, help="where to download the zip from")
    p.add_argument("--sha256", default=MODEL_SHA256, help="expected SHA-256 of the zip")
    p.add_argument("--target", type=Path, default=None,
                   help="folder to create (default: models/%s in the project)" % MODEL_NAME)
    p.add_argument("--force", action="store_true", help="download again even if the folder exists")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p.parse_args(list(argv))


def default_target() -> Path:
    """models/<name> in the project folder."""
    return Path(__file__).resolve().parents[2] / "models" / MODEL_NAME


def main(argv: Sequence[str] | None = None, stderr: TextIO | None = None) -> int:
    """Run the download; returns an exit code and prints one line on failure (to stderr)."""
    err = stderr or sys.stderr
    try:
        args = parse_args(sys.argv[1:] if argv is None else argv)
    except SystemExit as e:  # argparse exits on --help (0) and on bad usage (2)
        return int(e.code or 0)
    target = args.target or default_target()
    if target.exists() and not args.force:
        print(f"model already installed: {target}", file=err)
        return EXIT_OK
    try:
        install(args.url, args.sha256, target, None if args.quiet else err)
    except DownloadError as e:
        print(f"download failed: {e}", file=err)
        return e.code
    print(f"model installed: {target}", file=err)
    return EXIT_OK


def install(url: str, sha256: str, target: Path, progress: TextIO | None) -> None:
    """Download to target.zip.part (resuming), verify, unpack into a temporary folder, rename into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.parent / (target.name + ".zip.part")
    fetch(url, part, progress)
    digest = file_sha256(part)
    if digest != sha256.lower():
        part.unlink()  # a corrupt file must not be resumed next time
        raise DownloadError(f"checksum mismatch for {url} (got {digest[:12]}…, expected {sha256[:12]}…); "
                            "the partial file was deleted, try again", EXIT_CHECKSUM)
    try:
        extract_atomically(part, target)
    finally:
        part.unlink()  # extracted, or an archive that resuming cannot fix


def fetch(url: str, part: Path, progress: TextIO | None) -> None:
    """Download url into part, continuing a partial file with an HTTP Range request when the server allows."""
    have = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if have else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            resumed = have > 0 and response.status == 206
            total = _total_size(response, have if resumed else 0)
            with part.open("ab" if resumed else "wb") as out:
                _copy(response, out, have if resumed else 0, total, progress)
    except urllib.error.HTTPError as e:
        if e.code == 416 and have:  # range not satisfiable: the part file is already complete
            return
        raise DownloadError(f"server answered {e.code} {e.reason} for {url}", EXIT_IO) from e
    except (urllib.error.URLError, http.client.HTTPException, OSError) as e:
        reason = getattr(e, "reason", e)
        raise DownloadError(f"could not download {url}: {reason}; run the command again to resume", EXIT_IO) from e


def _total_size(response: BinaryIO, offset: int) -> int | None:
    """Full size of the file, if the server says."""
    length = response.headers.get("Content-Length")  # type: ignore[attr-defined]
    return offset + int(length) if length and length.isdigit() else None


def _copy(src: BinaryIO, out: BinaryIO, done: int, total: int | None, progress: TextIO | None) -> None:
    """Copy in blocks, drawing a progress bar; a short read against Content-Length is an error."""
    while block := src.read(BLOCK):
        out.write(block)
        done += len(block)
        _draw(progress, done, total)
    if progress:
        progress.write("\n")
    if total is not None and done < total:
        raise OSError(f"connection closed after {done} of {total} bytes")


def _draw(progress: TextIO | None, done: int, total: int | None) -> None:
    """One carriage-return progress line."""
    if progress is None:
        return
    if total:
        filled = int(30 * done / total)
        progress.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done / total:4.0%} {done / 1e6:.1f} MB")
    else:
        progress.write(f"\r{done / 1e6:.1f} MB")
    progress.flush()


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in blocks."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(BLOCK):
            h.update(block)
    return h.hexdigest()


def extract_atomically(archive: Path, target: Path) -> None:
    """Unpack into a temporary folder next to target and rename it into place; never a half-made target."""
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        root = safe_extract(archive, tmp)
        if target.exists():
            shutil.rmtree(target)  # --force: replace the old copy
        root.rename(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def safe_extract(archive: Path, dest: Path) -> Path:
    """Extract every entry after checking it stays inside dest and is not a link; return the model root."""
    try:
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                _check_entry(info)
            zf.extractall(dest)
    except zipfile.BadZipFile as e:
        raise DownloadError(f"{archive.name} is not a valid zip file ({e})", EXIT_ARCHIVE) from e
    entries = [p for p in dest.iterdir()]
    return entries[0] if len(entries) == 1 and entries[0].is_dir() else dest


def _check_entry(info: zipfile.ZipInfo) -> None:
    """Reject absolute paths, '..' parts, drive letters and symbolic links."""
    name = PurePosixPath(info.filename.replace("\\", "/"))
    if name.is_absolute() or ".." in name.parts or (name.parts and ":" in name.parts[0]):
        raise DownloadError(f"unsafe path in archive: {info.filename!r}", EXIT_ARCHIVE)
    if stat.S_ISLNK(info.external_attr >> 16):
        raise DownloadError(f"symbolic link in archive: {info.filename!r}", EXIT_ARCHIVE)
