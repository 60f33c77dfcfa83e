"""Command-line parsing whose mistakes are told in one line, like every other failure."""
from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import NoReturn

from .exit_codes import EXIT_USAGE


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a wrong option is one line naming it and where help is, not the whole usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see: {self.prog} --help)\n")


def file_name(text: str) -> Path:
    """An argparse type for a file to write: not empty (Path("") is "."), not a folder's name ("visit/")."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty file name; give one such as visit/report.json")
    if text.endswith(("/", os.sep)):
        raise argparse.ArgumentTypeError(f"{text} names a folder; give a file name such as {text}report.json")
    return Path(text)
