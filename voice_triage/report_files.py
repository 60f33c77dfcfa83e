"""Report files: the JSON report with Markdown and HTML summaries beside it (owner-only), and `report`."""
from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any, Sequence, TextIO

from .arguments import ArgumentParser, file_name
from .content import ContentError, load_content
from .exit_codes import EXIT_CONTENT, EXIT_OK, EXIT_REPORT, EXIT_USAGE
from .journal import FORMAT as JOURNAL_FORMAT
from .journal import read as read_journal
from .render_html import render_html
from .render_markdown import render_markdown
from .report import FORMAT as REPORT_FORMAT
from .storage import unwritable_reason, write_private
from .summary_text import SummaryText

log = logging.getLogger(__name__)



class ReportFileError(ValueError):
    """A report file that cannot be read or is not a report; the message says which and why."""


def write_report_files(report: dict[str, Any], json_path: Path, words: SummaryText | None = None) -> list[Path]:
    """Write the report JSON at `json_path` and its .md and .html summaries beside it, all mode 0600.

    Given a summary's name ("--report visit.html"), the JSON goes beside it as visit.json: written there, the
    summary overwrote it and no report was kept.
    """
    json_path, md_path, html_path = report_paths(json_path)
    text = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    return [write_private(json_path, text),
            write_private(md_path, render_markdown(report, words)),
            write_private(html_path, render_html(report, text=words))]


def report_problem(path: Path) -> tuple[Path, str] | None:
    """The first of a report's three files that cannot be written, and why; None when all can be."""
    for each in (path, *(report_paths(path) if unwritable_reason(path) is None else ())):
        if reason := unwritable_reason(each):
            return each, reason
    return None


def report_paths(path: Path) -> tuple[Path, Path, Path]:
    """The JSON report and its .md and .html summaries for `--report PATH` (a summary's name puts the JSON beside
    it)."""
    json_path = Path(path)
    if json_path.suffix.lower() in (".md", ".html", ".htm"):
        json_path = json_path.with_suffix(".json")
    return json_path, json_path.with_suffix(".md"), json_path.with_suffix(".html")


def report_source(path: Path) -> Path:
    """The file holding the report for `path`: itself, or for a stored session journal the report kept beside it."""
    if not _is_journal(path):
        return path
    beside = Path(path).with_suffix(".report.json")  # where journal.Journal.report_path keeps it
    if beside.is_file():
        return beside
    why = ("it was moved or deleted" if _ended(path) else
           "the session did not end; voice-triage --resume carries on with the last unfinished one")
    raise ReportFileError(f"{path} is a session journal, not a report, and its report ({beside.name}) is not beside "
                          f"it: {why}")


def _ended(path: Path) -> bool:
    """Whether a session journal records the end of its session (so a report was written)."""
    try:
        return read_journal(path).ended
    except (OSError, ValueError, RecursionError):  # damaged: as good as unfinished
        return False


def _is_journal(path: Path) -> bool:
    """Whether a file starts like a session journal (journal.py): only its first line is read."""
    try:
        if not Path(path).is_file():
            return False
        with Path(path).open(encoding="utf-8") as handle:
            first = json.loads(handle.readline(1 << 16))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):  # not one: load_report says what it is
        return False
    return isinstance(first, dict) and first.get("format") == JOURNAL_FORMAT


def load_report(path: Path) -> dict[str, Any]:
    """A report from a report JSON file, an `end` event, a JSON-lines session (its last `end` line), or a stored
    session journal (the report beside it)."""
    path = report_source(path)
    if Path(path).exists() and not Path(path).is_file():  # a device such as /dev/zero was read for ever
        raise ReportFileError(f"cannot read {path}: it is not a regular file")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ReportFileError(f"cannot read {path}: {reason}") from exc
    if not text.strip():
        raise ReportFileError(f"{path} is empty")
    try:
        documents = [json.loads(text)]
    except json.JSONDecodeError as whole:
        documents = _json_lines(text, path, whole)
    except RecursionError:
        raise ReportFileError(too_deep(path)) from None
    for doc in reversed(documents):
        report = _report_in(doc)
        if report is not None:
            return report
    raise ReportFileError(f"{path} is not a voice-triage report (no \"format\": \"{REPORT_FORMAT}\" found)")


def _json_lines(text: str, path: Path, whole: json.JSONDecodeError) -> list[Any]:
    """Every JSON line of a session transcript; the error on the line at fault, or the whole text's error when its
    first line is no JSON either (one document broken within).

    Lines end at "\\n" only: JSON writes no other line break, and one in a person's words (U+2028) is text.
    """
    documents = []
    for number, line in enumerate(text.split("\n"), 1):
        try:
            documents += [json.loads(line)] if line.strip() else []
        except json.JSONDecodeError as error:
            at, why = (whole.lineno, whole.msg) if number == 1 else (number, error.msg)
            raise ReportFileError(f"{path} is not valid JSON (line {at}: {why})") from whole
        except RecursionError:
            raise ReportFileError(too_deep(path)) from None
    return documents


def too_deep(path: Path) -> str:
    """The refusal of a file nested too deeply to read (no report is)."""
    return f"{path} is nested too deeply to be a voice-triage report"


def _report_in(doc: Any) -> dict[str, Any] | None:
    """The report inside one JSON document, if any."""
    if not isinstance(doc, dict):
        return None
    if doc.get("format") == REPORT_FORMAT:
        return doc
    inner = doc.get("report")
    return inner if isinstance(inner, dict) and inner.get("format") == REPORT_FORMAT else None


def _parser() -> argparse.ArgumentParser:
    """Arguments of `voice-triage report`."""
    parser = ArgumentParser(
        prog="voice-triage report", description="Make a printable summary of a saved report or session.")
    parser.add_argument("source", type=Path, metavar="SESSION_OR_REPORT.json",
                        help="a report JSON (--report), a --jsonl session ending in an end event, or a "
                             "stored session journal (its report beside it is read)")
    parser.add_argument("--html", type=file_name, metavar="OUT.html", help="write the HTML summary here")
    parser.add_argument("--markdown", type=file_name, metavar="OUT.md", help="write the Markdown summary here")
    parser.add_argument("--content", type=Path, metavar="DIR", help="take the summary's wording from this content folder")
    return parser


def report_command(argv: Sequence[str], stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """`voice-triage report FILE.json --html OUT.html [--markdown OUT.md]`; returns the exit code."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    try:
        args = _parser().parse_args(list(argv))
    except SystemExit as exit_:
        return int(exit_.code or 0) and EXIT_USAGE
    if args.html is None and args.markdown is None:
        err.write("voice-triage report: say where to write the summary with --html OUT.html or --markdown OUT.md\n")
        return EXIT_USAGE
    try:
        source = report_source(args.source)
    except ReportFileError as error:
        err.write(f"voice-triage report: {error}\n")
        return EXIT_REPORT
    for read in dict.fromkeys((args.source, source)):
        if any(path is not None and _same_file(path, read) for path in (args.html, args.markdown)):
            err.write(f"voice-triage report: a summary would replace the report it is made from ({read}); "
                      "give the summary another name\n")
            return EXIT_USAGE
    try:
        words = load_content(args.content).summary
    except ContentError as error:
        err.write(f"voice-triage report: content problem: {error}. Fix that file or reinstall.\n")
        return EXIT_CONTENT
    try:
        report = load_report(source)
        written = _write_summaries(report, args.html, args.markdown, words)
    except ReportFileError as error:
        err.write(f"voice-triage report: {error}\n")
        return EXIT_REPORT
    except OSError as error:
        err.write(f"voice-triage report: cannot write {error.filename}: {error.strerror}\n")
        return EXIT_REPORT
    except RecursionError:  # read, but too deep to put into words
        err.write(f"voice-triage report: {too_deep(source)}\n")
        return EXIT_REPORT
    if source != args.source:
        out.write(f"Read {source}, the report of the session in {args.source}\n")
    out.write("".join(f"Wrote {path}\n" for path in written))
    return EXIT_OK


def _same_file(one: Path, other: Path) -> bool:
    """Whether two paths name one file (through links and "..")."""
    try:
        return one.resolve() == other.resolve() or (one.exists() and other.exists() and one.samefile(other))
    except OSError:
        return False


def _write_summaries(report: dict[str, Any], html_path: Path | None, md_path: Path | None,
                     words: SummaryText | None) -> list[Path]:
    """Write the requested summaries, owner-only; both are made before either is written, so a report that cannot
    be put into words leaves no half of them."""
    pages = [(html_path, render_html(report, text=words)) if html_path is not None else None,
             (md_path, render_markdown(report, words)) if md_path is not None else None]
    return [write_private(path, page) for path, page in filter(None, pages)]
