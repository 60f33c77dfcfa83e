"""The report as plain data for summaries (`summarize`), and as a readable Markdown summary."""
from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from .content import load_content
from .report import NOT_ANSWERED, NOT_ASKED
from .summary_text import SummaryText
from .understand import tokens

Cited = tuple[str, "int | None"]  # a line, and the number of its source in the summary's list if it names one

log = logging.getLogger(__name__)
# Words this long carry meaning ("knee", "shooting"); shorter ones ("my", "and", "the") do not, so a sentence that
# adds only those to a symptom answer's words is not shown beside it.
MEANINGFUL_LETTERS = 4


class Flag(NamedTuple):
    """One warning-sign question as the summary shows it."""

    question: str
    answer: str  # the answer id: yes, no, unsure, unknown, "not answered" or "not asked"
    words: str  # the answer in words ("Yes")
    level: str  # the sign's level id, "" when unknown
    said: str = ""  # the person's own words, when they said more than a bare answer
    lead: str = ""  # what the words are, when they are not the answer itself ("last heard")
    check: str = ""  # the words said to "Is that right?" when they were unclear and the answer was kept

    @property
    def quoted(self) -> str:
        """The person's words in quotes, after what they are: '“breast cancer”', 'last heard “yes”', and an unclear
        check after them: '“a bit wobbly”; unclear when checked: “sort of”'."""
        said = " ".join(filter(None, (self.lead, f"“{self.said}”"))) if self.said else ""
        return "; ".join(filter(None, (said, self.check)))

    @property
    def with_words(self) -> str:
        """The answer with the person's words after it: 'Yes: “breast cancer ten years ago”'."""
        if self.said:
            return f"{self.words}: {self.quoted}"
        return f"{self.words}; {self.check}" if self.check else self.words


@functools.lru_cache(maxsize=1)
def default_text() -> SummaryText:
    """The packaged content's summary wording (for reports rendered without a content folder)."""
    return load_content().summary


@dataclass
class Summary:
    """Everything a summary shows, already in plain words (user text is not escaped here)."""

    text: SummaryText  # the page's own words: headings and labels
    when: str
    disposition: str
    headline: str
    meaning: str
    spoken: str
    status: str
    findings: list[str] = field(default_factory=list)
    red_flags: list[Flag] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)
    side: str | None = None
    where: str = ""
    symptoms: list[tuple[str, str]] = field(default_factory=list)
    likely: str = ""
    reasons: list[Cited] = field(default_factory=list)
    others: list[str] = field(default_factory=list)
    advice: list[tuple[str, list[Cited]]] = field(default_factory=list)
    disclaimer: str = ""
    taken_back: list[str] = field(default_factory=list)  # answers undone with "go back": question, words, answer
    sources: list[str] = field(default_factory=list)  # titles the findings and advice cite, in "[n]" order


def _dict(value: Any) -> dict[str, Any]:
    """The value if it is a dict, else an empty one (reports may be incomplete or hand-edited)."""
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    """The value if it is a list, else an empty one."""
    return value if isinstance(value, list) else []


def _str(value: Any) -> str | None:
    """The value if it is a string, else None (ids must be strings to be looked up)."""
    return value if isinstance(value, str) else None


def words(value: Any, text: SummaryText) -> str:
    """Any answer value in plain words."""
    if value is None:
        return text.labels["not_asked"]
    if isinstance(value, dict):
        return words(value.get("text", ", ".join(f"{k}: {words(v, text)}" for k, v in value.items())), text)
    if isinstance(value, list):
        return ", ".join(words(v, text) for v in value) if value else text.labels["none"]
    return str(value).replace("_", " ") if isinstance(value, str) and re.fullmatch(r"[a-z_]+", value) else str(value)


def when(report: dict[str, Any], text: SummaryText) -> str:
    """When the session ran, as a readable date and times (start to end), or the raw start if it is not ISO-8601."""
    raw = report.get("created")
    if not isinstance(raw, str) or not raw:
        return text.labels["date_not_recorded"]
    start, end = _stamp(raw), _stamp(report.get("finished"))
    if start is None:
        return raw
    if end is None or (end.tzinfo is None) != (start.tzinfo is None) or end < start:
        return text.date.write(start)  # an end not recorded, or not comparable: the start alone
    return text.date.write_span(start, end)


def _stamp(raw: Any) -> datetime | None:
    """An ISO-8601 time, or None."""
    try:
        return datetime.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None


def status(report: dict[str, Any], text: SummaryText) -> str:
    """One line on whether the interview was complete and how it ended."""
    ended = _str(report.get("ended_by"))
    if ended in text.ended_by:
        return text.ended_by[ended]
    if report.get("complete") is False:
        return text.labels["incomplete"]
    if not report.get("complete"):
        return ""
    unclear = any(isinstance(f, dict) and f.get("id") == "unclear_answers" for f in _list(report.get("findings")))
    return text.labels["complete_unclear" if unclear else "complete"]


def red_flags(report: dict[str, Any], text: SummaryText) -> list[Flag]:
    """Every red-flag question with the answer given, the person's words beside a yes or not sure, and the words
    last heard beside a sign not answered ("yes", then "no" to "Is that right?")."""
    rows, said, heard, checks = [], words_behind_answers(report), last_heard(report), unclear_checks(report)
    for item in _list(report.get("red_flag_answers")):
        item = _dict(item)
        answer, qid = str(item.get("answer") or NOT_ASKED), str(item.get("id"))
        question = str(item.get("question") or item.get("id") or text.labels["question_not_recorded"])
        level = _str(item.get("level"))
        words_ = " … ".join(said.get(qid, [])) if answer in ("yes", "unsure", "unknown") else ""
        if answer == NOT_ANSWERED:
            words_ = heard.get(qid, "")
        rows.append(Flag(question, answer, text.answers.get(answer.replace(" ", "_"), answer),
                         level if level in text.red_flag_kinds else "", words_,
                         text.labels["last_heard"] if answer == NOT_ANSWERED else "",
                         _check_words(checks.get(qid), text) if answer in ("yes", "unsure") else ""))
    return rows


def unclear_checks(report: dict[str, Any]) -> dict[str, str]:
    """The words said to "Is that right?" for each question whose answer was last kept on an unclear check (the safe
    side), so a clinician sees that the yes stood on the rule and what was said ("sort of, not getting worse")."""
    checks = {}
    for entry in map(_dict, _list(report.get("transcript"))):
        qid, understood = str(entry.get("question")), str(entry.get("understood"))
        if understood.startswith("confirm:") and understood not in ("confirm:yes", "confirm:no"):
            checks[qid] = " ".join(str(entry.get("heard") or "").split())
        else:
            checks.pop(qid, None)  # a clear check, or a new answer, settles it
    return checks


def _check_words(words_: str | None, text: SummaryText) -> str:
    """'unclear when checked: “sort of”' (or without words when nothing was heard); "" when there was no such check."""
    if words_ is None:
        return ""
    return f"{text.labels['unclear_check']}: “{words_}”" if words_ else text.labels["unclear_check"]


def answers_heard(report: dict[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """(question id, words, what they were understood as) for each answer in the transcript, in order; words said to
    an answer's check ("Is that right?", logged "confirm:...") are not the answer's own, and are left out."""
    for entry in map(_dict, _list(report.get("transcript"))):
        if not str(entry.get("understood")).startswith("confirm:"):
            yield str(entry.get("question")), " ".join(str(entry.get("heard") or "").split()), entry.get("understood")


def last_heard(report: dict[str, Any]) -> dict[str, str]:
    """The last words heard as an answer to each question, not to its check ("Is that right?")."""
    return {qid: words_ for qid, words_, _ in answers_heard(report) if words_}


def symptoms(report: dict[str, Any], text: SummaryText) -> list[tuple[str, str]]:
    """Symptom answers as (label, plain words): the main ones always, the rest when answered."""
    texts, answers, questions = (_dict(report.get(k)) for k in ("answer_text", "answers", "questions"))
    flags = {_dict(i).get("id") for i in _list(report.get("red_flag_answers"))}
    said, missing = words_behind_answers(report), (text.labels["not_asked"], text.labels["not_recorded"])
    rows, shown, quoted = [], set(), set()

    def row(qid: str, label: str) -> tuple[str, str]:
        value = answer_words(qid, texts, answers, text)
        # A sentence noted for two questions ("low back on the right": places and side) is shown at the first only
        sentences = [] if value in missing else _saying_more(value, [s for s in said.get(qid, []) if s not in quoted])
        quoted.update(sentences)
        return label, f"{value}: " + " … ".join(f"“{s}”" for s in sentences) if sentences else value

    for qid, label, always in text.symptoms:
        shown.add(qid)
        if qid in texts or qid in answers or always:
            rows.append(row(qid, label))
    for qid in list(texts) + [q for q in answers if q not in texts]:
        if qid not in shown and qid not in flags:
            shown.add(qid)
            rows.append(row(qid, str(questions.get(qid) or qid).replace("_", " ")))
    return rows


def words_behind_answers(report: dict[str, Any]) -> dict[str, list[str]]:
    """For each question, the sentences (three words or more) heard on the way to its last understood answer: the
    answer itself and what was asked again or clarified before it ("…and sometimes my knee", then "none"); for one
    never understood, the sentences heard since its last answer."""
    behind, pending = {}, {}
    for qid, heard, understood in answers_heard(report):
        pending.setdefault(qid, []).extend([heard] if len(heard.split()) >= 3 else [])
        if understood is not None:
            behind[qid] = pending.pop(qid)
    return behind | {qid: sentences for qid, sentences in pending.items() if sentences}


def _saying_more(value: str, sentences: list[str]) -> list[str]:
    """The person's sentences that say more than an answer's words: "groin, front of my thigh" adds nothing to
    "groin, front of the thigh", "…and sometimes my knee" does."""
    answer = set(tokens(value))
    return [s for s in sentences if any(len(w) >= MEANINGFUL_LETTERS and w not in answer for w in tokens(s))]


def answer_words(qid: str, texts: dict[str, Any], answers: dict[str, Any], text: SummaryText) -> str:
    """An answer's words from the report's answer_text, else from the answer itself; "not recorded" when it is there
    but null in both (a hand-edited report printed "None"), "not asked" when it is in neither."""
    if texts.get(qid) is not None:
        return words(texts[qid], text)
    if answers.get(qid) is not None:
        return words(answers[qid], text)
    return text.labels["not_recorded" if qid in texts or qid in answers else "not_asked"]


def likely_source(report: dict[str, Any], text: SummaryText,
                  titles: list[str]) -> tuple[str, list[Cited], list[str]]:
    """The likely source in words, its reasons, and the other sources that scored with theirs, each reason with the
    number of its source in `titles` (which grows)."""
    ranked = [_dict(s) for s in _list(report.get("sources"))]
    best_id = _str(report.get("likely_source"))
    best = next((s for s in ranked if s.get("id") == best_id), None)
    fallback = text.source_names.get(best_id or "", words(best_id, text) if best_id else text.labels["not_assessed"])
    label = str((best or {}).get("label") or fallback)
    reasons = _reasons(best or {}, text, titles)
    # The others with their reasons in words, not a bare score: what each rests on is what a reader can weigh.
    others = [f"{s.get('label') or words(s.get('id'), text)} ({', '.join(map(cite, _reasons(s, text, titles)))})"
              for s in ranked if s is not best and _list(s.get("reasons"))]
    return label, reasons, others


def _reasons(source: dict[str, Any], text: SummaryText, titles: list[str]) -> list[Cited]:
    """A likely source's reasons, each with the number of the source it cites (reports before reasons_cited: none)."""
    cited = {_str(c.get("text")): c.get("source") for c in map(_dict, _list(source.get("reasons_cited")))}
    return [(str(r), _number(cited.get(str(r)), text, titles)) for r in _list(source.get("reasons"))]


def advice(report: dict[str, Any], text: SummaryText, titles: list[str]) -> list[tuple[str, list[Cited]]]:
    """The advice as spoken, grouped under headings, each line with the number of its source in `titles` (which
    grows); the plain list when there are no sections."""
    sections, headings = _dict(report.get("advice_sections")), text.advice_headings
    cited = {(_str(c.get("section")), _str(c.get("text"))): c.get("source")
             for c in map(_dict, _list(report.get("advice_cited")))}

    def lines_of(key: str, lines: Any) -> list[Cited]:
        return [(str(x), _number(cited.get((key, str(x))), text, titles)) for x in _list(lines)]

    grouped = [(title, lines_of(key, sections.get(key))) for key, title in headings.items()]
    grouped += [(words(key, text), lines_of(key, lines)) for key, lines in sections.items()
                if key not in headings and key != "disclaimer"]
    grouped = [(title, lines) for title, lines in grouped if lines]
    if not grouped and _list(report.get("advice")):
        grouped = [(text.labels["advice_given"], [(str(x), None) for x in _list(report.get("advice"))])]
    return grouped


def _number(source: Any, text: SummaryText, titles: list[str]) -> int | None:
    """The "[n]" number of a source id (or unlisted name) in the summary's list of titles, adding it if new."""
    title = text.citations.get(str(source), _str(source) or "")
    if not title:
        return None
    if title not in titles:
        titles.append(title)
    return titles.index(title) + 1


def cite(line: Cited) -> str:
    """A line with its "[n]" source number, if it has one."""
    words_, number = line
    return f"{words_} [{number}]" if number and words_ else words_


def disclaimer(report: dict[str, Any], text: SummaryText) -> str:
    """The not-a-diagnosis statement from the report, or the standard one."""
    said = report.get("disclaimer") or " ".join(str(x) for x in _list(_dict(report.get("advice_sections")).get("disclaimer")))
    return str(said) if said else text.disclaimer


def summarize(report: Any, text: SummaryText | None = None) -> Summary:
    """Plain-words summary of a report dictionary, tolerating missing or malformed keys."""
    text = text or default_text()
    report = _dict(report)
    level = _str(report.get("disposition"))
    known = level if level in text.meanings else None
    answers = _dict(report.get("answers"))
    cited, titles = findings(report, text)
    likely, reasons, others = likely_source(report, text, titles)  # numbered in the order the page shows them
    said = advice(report, text, titles)
    side = answers.get("side")
    return Summary(
        text=text, when=when(report, text), disposition=known or "unknown",
        headline=text.headlines[known or "unknown"],
        meaning=text.meanings[known] if known else text.labels["no_result"],
        spoken=str(report.get("disposition_text") or ""), status=status(report, text),
        findings=cited, sources=titles,
        red_flags=red_flags(report, text), locations=[str(x) for x in _list(answers.get("location"))],
        side=side if isinstance(side, str) else None,
        where=where(report, text), symptoms=symptoms(report, text), likely=likely, reasons=reasons, others=others,
        advice=said, disclaimer=disclaimer(report, text), taken_back=taken_back(report, text),
    )


def findings(report: dict[str, Any], text: SummaryText) -> tuple[list[str], list[str]]:
    """Each finding's words with "[n]" for its source, and the source titles in that order."""
    titles: list[str] = []
    lines = [cite((str(f.get("text") or f.get("id") or ""), _number(f.get("source"), text, titles)))
             for f in map(_dict, _list(report.get("findings")))]
    return lines, titles


def taken_back(report: dict[str, Any], text: SummaryText) -> list[str]:
    """Each answer undone with "go back": 'the question: "the words" (the answer)'."""
    lines = []
    for item in map(_dict, _list(report.get("taken_back"))):
        question = _str(item.get("question_text")) or _str(item.get("question")) or text.labels["question_not_recorded"]
        heard, answer = _str(item.get("heard")), words(item.get("answer"), text)
        lines.append(f"{question} “{heard}” ({answer})" if heard else f"{question} ({answer})")
    return lines


def md(text: str) -> str:
    """Text with Markdown and HTML syntax characters escaped, so user words stay words."""
    escaped = re.sub(r"([\\`*_\[\]<>|])", r"\\\1", " ".join(text.split()))
    return re.sub(r"^([#+-])", r"\\\1", escaped)  # a leading # or - would start a heading or a list


def capital(text: str) -> str:
    """First letter upper-cased."""
    return text[:1].upper() + text[1:]


def render_markdown(report: dict[str, Any], text: SummaryText | None = None) -> str:
    """The readable Markdown summary: same content as the HTML one."""
    s = summarize(report, text)
    label = s.text.labels
    sources = [f"## {md(label['sources'])}", ""] + [f"{n}. {md(t)}" for n, t in enumerate(s.sources, 1)]
    parts = [[f"# {md(s.text.title)}", "", f"**{md(label['date'])}:** {md(s.when)}"], _md_result(s), _md_flags(s), _md_pain(s),
             _md_source(s), _md_advice(s), *([sources] if s.sources else []), ["---", "", f"*{md(s.disclaimer)}*", ""]]
    return "\n\n".join("\n".join(part) for part in parts)


def _md_result(s: Summary) -> list[str]:
    """The disposition in words, why, and how the interview ended."""
    lines = [f"## {md(s.headline)}", "", md(s.spoken or s.meaning)]
    why = [f"- {md(s.text.labels['why'])}: {md(capital(f))}." for f in s.findings if f]
    lines += [""] + why if why else []
    lines += ["", f"*{md(s.status)}*"] if s.status else []
    taken_back = [f"- {md(s.text.labels['taken_back'])}: {md(line)}" for line in s.taken_back]
    return lines + [""] + taken_back if taken_back else lines


def _md_flags(s: Summary) -> list[str]:
    """Every red-flag question with its answer; a yes in bold."""
    kinds, label = s.text.red_flag_kinds, s.text.labels
    rows = [f"| {md(f.question)} | **{md(f.with_words)}** | {md(kinds.get(f.level, ''))} |" if f.answer == "yes"
            else f"| {md(f.question)} | {md(f.with_words)} | {md(kinds.get(f.level, ''))} |" for f in s.red_flags]
    header = [f"## {md(label['red_flags'])}", "", f"| {md(label['question'])} | {md(label['answer'])} | "
              f"{md(label['kind'])} |", "|---|---|---|"]
    return header + (rows or [f"| {md(label['no_red_flags'])} | | |"])


def _md_pain(s: Summary) -> list[str]:
    """Where it hurts (the body map in words) and the symptom answers."""
    rows = [f"| {md(label)} | {md(value)} |" for label, value in s.symptoms]
    label = s.text.labels
    return [f"## {md(label['where_and_how'])}", "", f"{md(label['body_map'])}: {md(s.where)}", "", "| | |",
            "|---|---|"] + rows


def _md_source(s: Summary) -> list[str]:
    """The likely source, its reasons and the others considered."""
    label = s.text.labels
    lines = [f"## {md(label['likely_source'])}", "", f"{md(label['most_likely'])}: **{md(s.likely)}**"]
    lines += [""] + [f"- {md(cite(r))}" for r in s.reasons] if s.reasons else []
    return lines + (["", f"{md(label['also_considered'])}: {md('; '.join(s.others))}"] if s.others else [])


def _md_advice(s: Summary) -> list[str]:
    """The advice as spoken, under headings."""
    lines = [f"## {md(s.text.labels['advice'])}"]
    for title, items in s.advice:
        lines += ["", f"### {md(title)}", ""] + [f"- {md(cite(item))}" for item in items]
    return lines if s.advice else lines + ["", md(s.text.labels["no_advice"])]


def where(report: dict[str, Any], text: SummaryText) -> str:
    """Where it hurts and on which side, in words, for the body-map caption."""
    answers, texts, label = _dict(report.get("answers")), _dict(report.get("answer_text")), text.labels
    if "location" not in answers:
        return label["where_not_asked"]
    if answers["location"] is None:
        return label["not_recorded"]
    if not _list(answers.get("location")):
        return label["no_place"]
    places = str(texts.get("location") or words(answers["location"], text))
    side = texts.get("side") or (words(answers["side"], text) if "side" in answers else None)
    return f"{places}; {label['side']}: {side}" if side else f"{places}; {label['side_not_recorded']}"
