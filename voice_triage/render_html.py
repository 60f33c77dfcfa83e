"""The clinician summary as one self-contained, printable HTML page (inline CSS and SVG, no scripts)."""
from __future__ import annotations

import logging
from html import escape
from typing import Any, Iterable

from .bodymap import BodyMap, load_bodymap, render_svg
from .render_markdown import Cited, Summary, capital, cite, summarize
from .summary_text import SummaryText

log = logging.getLogger(__name__)

# One printed page (Letter height less margins is the smaller of A4 and Letter), in CSS px at 96 dpi.
PAGE_HEIGHT_PX = 960
MISSING = ' class="missing"'
# The answer column's width in em of its text: a bold character is about this wide in the page's fonts; past the
# widest, a longer answer ("Not understood") wraps between its words rather than squeezing the questions.
BOLD_EM_PER_CHAR, ANSWER_PADDING_EM, ANSWER_EM = 0.66, 0.7, (3.5, 7.5)

CSS = r"""
:root { --ink: #1b1f24; --muted: #5b636d; --line: #c9cfd6; }
* { box-sizing: border-box; }
html { background: #e4e8ec; }
body { margin: 0; color: var(--ink); font: 17px/1.4 "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; }
.sheet { max-width: 1040px; margin: 24px auto; padding: 28px 34px 22px; background: #fff;
  box-shadow: 0 1px 6px rgba(0,0,0,.18); }
header { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: baseline; gap: 0 16px;
  border-bottom: 2px solid var(--ink); padding-bottom: 6px; }
h1 { font-size: 1.4em; margin: 0; }
.when { margin: 0; font-size: .95em; font-weight: bold; }
h2 { font-size: 1.08em; margin: 0 0 6px; text-transform: uppercase; letter-spacing: .04em; color: #2f3740;
  border-bottom: 1px solid var(--line); padding-bottom: 2px; }
h3 { font-size: .98em; margin: 8px 0 2px; }
section { margin-top: 14px; }
.result { margin-top: 14px; padding: 10px 16px 10px 14px; border-left: 14px solid; border-radius: 4px;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.result .headline { font-size: 1.6em; font-weight: 800; margin: 0; letter-spacing: .02em; }
.result .spoken { font-size: 1.12em; margin: 2px 0 0; font-weight: 600; }
.result .why { margin: 4px 0 0; }
.result .status { margin: 6px 0 0; font-style: italic; }
.level-emergency { background: #fde8e7; border-color: #b3261e; } .level-emergency .headline { color: #9c1c15; }
.level-urgent { background: #fff0df; border-color: #c25400; } .level-urgent .headline { color: #9a4300; }
.level-gp { background: #e6effa; border-color: #1d5ba6; } .level-gp .headline { color: #174b8a; }
.level-self_care { background: #e7f4e8; border-color: #2e7d32; } .level-self_care .headline { color: #22622a; }
.level-unknown { background: #eef0f2; border-color: #6b7580; }
.top { display: grid; grid-template-columns: 36% 1fr; gap: 24px; align-items: start; }
.top { margin-top: 14px; }
.top > section, .col > section:first-child { margin-top: 0; }
.bodymap { width: 100%; height: auto; display: block; }
.bm-title { font: bold 15px "DejaVu Sans", Arial, sans-serif; fill: #2f3740; }
.bm-side { font: bold 19px "DejaVu Sans", Arial, sans-serif; fill: #1b1f24; }
.caption { margin: 4px 0 0; font-weight: 600; }
.key { margin: 2px 0 0; font-size: .85em; color: var(--muted); }
.swatch { display: inline-block; width: .9em; height: .9em; vertical-align: -.1em; border: 1px solid #7f2704;
  background: #d9480f; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.flags .cols { columns: 2 20em; column-gap: 26px; }
.flags h3 { font-size: .78em; color: var(--muted); text-transform: uppercase; letter-spacing: .05em;
  margin: 6px 0 0; border-bottom: 1px solid var(--line); break-after: avoid-column; }
.flags h3:first-child { margin-top: 0; }
.flag { display: grid; grid-template-columns: 1fr var(--answer-width, 6em); gap: 8px; padding: 2px 0;
  border-bottom: 1px solid #e1e5e9; break-inside: avoid; font-size: .86em; line-height: 1.3; }
.flag .ans { font-weight: bold; padding: 0 4px; align-self: start; overflow-wrap: anywhere; }
.flag .said { grid-column: 1 / -1; margin: -2px 0 0 .8em; padding-left: 6px; border-left: 3px solid #e6a09b;
  font-style: italic; overflow-wrap: anywhere; }
.flag .said-unsure, .flag .said-unknown, .flag .said-not-answered { border-left-color: #f0b867; }
.ans-yes { background: #b3261e; color: #fff; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.ans-unsure, .ans-unknown, .ans-not-answered { background: #ffe2b8; -webkit-print-color-adjust: exact;
  print-color-adjust: exact; }
.ans-not-asked { color: var(--muted); font-weight: normal !important; font-style: italic; }
.symptoms dl { margin: 0; }
.symptoms dl > div { display: grid; grid-template-columns: 11.5em 1fr; gap: 10px; padding: 2px 0;
  border-bottom: 1px solid #e1e5e9; }
.symptoms dt { font-weight: bold; color: #2f3740; font-size: .92em; }
.symptoms dd { margin: 0; }
.symptoms dd.missing { color: var(--muted); font-style: italic; }
.source p { margin: 0 0 4px; }
.source ul { margin: 0; padding-left: 1.2em; }
.others { color: var(--muted); font-size: .9em; }
.advice .cols { columns: 3 16em; column-gap: 22px; font-size: .9em; }
.advice h3 { break-after: avoid-column; }
.advice h3:first-child { margin-top: 0; }
.advice ul { margin: 0 0 6px; padding: 0; list-style: none; }
.advice li { margin: 0 0 2px; padding-left: .9em; text-indent: -.9em; }
.advice li::before { content: "\2022\00a0\00a0"; }
footer { margin-top: 14px; border-top: 2px solid var(--ink); padding-top: 6px; font-weight: bold; }
footer p { margin: 0; }
footer .made { font-weight: normal; font-size: .8em; color: var(--muted); margin-top: 2px; }
footer .sources { font-weight: normal; font-size: .8em; margin-bottom: 4px; }
@page { margin: 8mm 9mm; }
@media print {
  html { background: #fff; }
  body { font-size: 10pt; line-height: 1.25; }
  .sheet { max-width: none; margin: 0; padding: 0; box-shadow: none; }
  header { padding-bottom: 2pt; }
  h1 { font-size: 13pt; } .when { font-size: 10pt; }
  h2 { font-size: 9pt; margin-bottom: 2pt; }
  h3 { margin-top: 3pt; }
  section, .result { margin-top: 6pt; }
  .result { padding: 3pt 10pt; border-left-width: 10pt; }
  .result .headline { font-size: 16pt; } .result .spoken { font-size: 10.5pt; }
  .result .why, .result .status { margin-top: 1pt; font-size: 9.5pt; }
  .top { grid-template-columns: 31% 1fr; gap: 14pt; }
  .flags .cols { column-gap: 14pt; }
  .flag { font-size: 8pt; line-height: 1.16; padding: .8pt 0; gap: 4pt; }
  .symptoms dl > div { padding: .8pt 0; font-size: 9.5pt; grid-template-columns: 9.5em 1fr; }
  .source p { font-size: 9.5pt; }
  .advice .cols { font-size: 8pt; line-height: 1.16; column-gap: 14pt; }
  .advice ul { margin-bottom: 2pt; }
  .advice li { margin-bottom: 1pt; }
  footer { margin-top: 6pt; padding-top: 2pt; font-size: 9pt; }
  .result, .top { break-inside: avoid; }
}
"""


def render_html(report: dict[str, Any], bodymap: BodyMap | None = None, text: SummaryText | None = None) -> str:
    """The whole summary page for a report dictionary; every piece of report text is escaped."""
    s = summarize(report, text)
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(s.text.title)} ({escape(s.when)})</title>", f"<style>{CSS}</style>",
        f"<style>@media print {{ .sheet {{ zoom: {print_zoom(s):.3f}; }} }}</style>", "</head>",
        '<body><main class="sheet">',
        _header(s), _result(s),
        '<div class="top">', _map(s, bodymap or load_bodymap()), '<div class="col">', _symptoms(s), _source(s),
        "</div></div>", _flags(s),
        _advice(s), _footer(s), "</main></body>", "</html>", "",
    ])


def _lines(texts: Iterable[str], chars_per_line: int, line_px: float, gap_px: float) -> float:
    """Estimated printed height of wrapped paragraphs."""
    return sum(-(-max(len(t), 1) // chars_per_line) * line_px + gap_px for t in texts)


def print_height(s: Summary) -> float:
    """Estimated height of the printed page at zoom 1, from the amount of text in each block."""
    result = 70 + _lines([s.spoken or s.meaning], 95, 15, 0)
    result += _lines(s.findings + [s.status] + s.taken_back, 120, 14, 1)
    side = _lines([f"{a} {b}" for a, b in s.symptoms], 70, 14, 2) + 60
    side += _lines([" ".join(list(map(cite, s.reasons)) + s.others)], 105, 14, 0)
    said = _lines([f.quoted for f in s.red_flags if f.quoted], 60, 12.5, 0)
    flags = (_lines([f.question for f in s.red_flags], 52, 12.5, 3) + said + 40) / 2 + 30
    advice_lines = [line for _, lines in s.advice for line in _joined(lines, s.text.caution_prefix)]
    advice = (_lines(advice_lines, 44, 12.5, 2) + 16 * len(s.advice)) / 3 + 40
    return result + max(330, side) + flags + advice + 50 + _lines(["; ".join(s.sources)], 110, 13, 6)


def print_zoom(s: Summary) -> float:
    """Print scale that keeps the whole summary on one page (never enlarged, never below 0.6)."""
    return max(0.6, min(1.0, PAGE_HEIGHT_PX / print_height(s)))


def _e(text: Any) -> str:
    """Escaped text for element content and attribute values."""
    return escape(str(text), quote=True)


def _items(lines: Iterable[str], cls: str = "") -> str:
    """A bullet list of escaped lines."""
    attr = f' class="{cls}"' if cls else ""
    return f"<ul{attr}>" + "".join(f"<li>{_e(line)}</li>" for line in lines) + "</ul>"


def _header(s: Summary) -> str:
    """Title and the date and time of the session."""
    return f'<header><h1>{_e(s.text.title)}</h1><p class="when">{_e(s.when)}</p></header>'


def _result(s: Summary) -> str:
    """The disposition in plain words at the top, coloured, with why and how the interview ended."""
    why, label = "; ".join(capital(f) for f in s.findings if f), s.text.labels
    return (f'<section class="result level-{_e(s.disposition)}" aria-label="{_e(label["result"])}">'
            f'<p class="headline">{_e(s.headline)}</p><p class="spoken">{_e(s.spoken or s.meaning)}</p>'
            + (f'<p class="why"><strong>{_e(label["why"])}:</strong> {_e(why)}.</p>' if why else "")
            + (f'<p class="status">{_e(s.status)}</p>' if s.status else "")
            + "".join(f'<p class="status"><strong>{_e(label["taken_back"])}:</strong> {_e(line)}</p>'
                      for line in s.taken_back) + "</section>")


def _map(s: Summary, bodymap: BodyMap) -> str:
    """The body map with the reported places highlighted on the reported side, and the same in words."""
    label = s.text.labels
    svg = render_svg(s.locations, s.side, bodymap, caption=f"{label['body_map']}: {s.where}")
    key = f'<p class="key"><span class="swatch"></span> {_e(label["map_key"])}</p>'
    return (f'<section class="map"><h2>{_e(label["where"])}</h2>{svg}<p class="caption">{_e(capital(s.where))}</p>'
            f"{key}</section>")


def _flags(s: Summary) -> str:
    """Every red-flag question with the answer given, "not asked" where the interview stopped first, and "not
    answered" with the words last heard where it was asked but left without an answer."""
    items, kind, label = [], None, s.text.labels
    for flag in s.red_flags:
        if flag.level != kind:
            kind = flag.level
            items.append(f'<h3>{_e(s.text.red_flag_groups[flag.level or "other"])}</h3>')
        # The person's words go on their own line across the row: in the answer's narrow column they ran off it
        answer = _e(flag.answer.replace(" ", "-"))
        said = f'<span class="said said-{answer}">{_e(flag.quoted)}</span>' if flag.quoted else ""
        items.append(f'<div class="flag"><span class="q">{_e(flag.question)}</span>'
                     f'<span class="ans ans-{answer}">{_e(flag.words)}</span>{said}</div>')
    body = "".join(items) or f"<p>{_e(label['no_red_flags'])}</p>"
    width = f' style="--answer-width: {answer_width([f.words for f in s.red_flags]):.2f}em"'
    return (f'<section class="flags"{width}><h2>{_e(label["red_flags"])}</h2><div class="cols">{body}</div>'
            "</section>")


def answer_width(answers: list[str]) -> float:
    """The answer column's width in em: the longest answer on the page on one line, within ANSWER_EM."""
    widest = max((len(a) for a in answers), default=0) * BOLD_EM_PER_CHAR + ANSWER_PADDING_EM
    return min(max(widest, ANSWER_EM[0]), ANSWER_EM[1])


def _symptoms(s: Summary) -> str:
    """Pain description, duration, what worsens and eases it, and the other symptom answers."""
    missing = (s.text.labels["not_asked"], s.text.labels["not_recorded"])
    rows = "".join(f'<div><dt>{_e(label)}</dt><dd{MISSING if value in missing else ""}>{_e(value)}</dd></div>'
                   for label, value in s.symptoms)
    return f'<section class="symptoms"><h2>{_e(s.text.labels["pain"])}</h2><dl>{rows}</dl></section>'


def _source(s: Summary) -> str:
    """The likely source with the reasons, and the others considered."""
    label = s.text.labels
    reasons = f", {_e(label['because'])}: {_e('; '.join(map(cite, s.reasons)))}." if s.reasons else ""
    others = (f' <span class="others">{_e(label["also_considered"])}: {_e("; ".join(s.others))}.</span>'
              if s.others else "")
    return (f'<section class="source"><h2>{_e(label["likely_source"])}</h2><p>{_e(label["most_likely"])}: '
            f"<strong>{_e(s.likely)}</strong>{reasons}{others}</p></section>")


def _advice(s: Summary) -> str:
    """The advice as it was spoken, grouped under headings."""
    groups = "".join(f'<div class="group"><h3>{_e(title)}</h3>{_items(_joined(lines, s.text.caution_prefix))}</div>'
                     for title, lines in s.advice)
    label = s.text.labels
    groups = groups or f"<p>{_e(label['no_advice'])}</p>"
    return f'<section class="advice"><h2>{_e(label["advice"])}</h2><div class="cols">{groups}</div></section>'


def _joined(lines: list[Cited], caution_prefix: str) -> list[str]:
    """Spoken lines as printed bullets: a caution joins its stretch, a lower-case item joins its lead line; a
    source cited by every joined line is cited once, at the end."""
    out: list[Cited] = []
    for words, number in lines:
        caution = bool(caution_prefix) and words.startswith(caution_prefix)
        follows = out and (caution or (words[:1].islower() and out[-1][0].rstrip()[-1:] in ":;"))
        if follows:
            lead = out[-1][0] if out[-1][1] == number else cite(out[-1])
            out[-1] = (f"{lead} {words}", number)
        else:
            out.append((words, number))
    return [cite(line) for line in out]


def _footer(s: Summary) -> str:
    """The sources the reasons cite, and the not-a-diagnosis statement."""
    cited = "; ".join(f"[{n}] {title}" for n, title in enumerate(s.sources, 1))
    sources = f'<p class="sources"><strong>{_e(s.text.labels["sources"])}:</strong> {_e(cited)}</p>' if cited else ""
    return f'<footer>{sources}<p>{_e(s.disclaimer)}</p><p class="made">{_e(s.text.labels["made_by"])}</p></footer>'
