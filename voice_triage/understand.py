"""Understand a free answer: yes/no, options, numbers, durations and conversation controls."""
from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from .content import Content, Question
from .dates import days_since_date, with_capitals, without_named_days

NOT_UNDERSTOOD = None
YESNO_VALUES = ("yes", "no", "unsure")  # a yes/no question's answer ids, in the order offered (typed "1" is yes)


DECADE_IN_FIGURES = re.compile(r"^([1-9])0'?s$")  # "50s", "50's": the fifties
DAYS_IN_A_MONTH = 31  # a day or a month number beside a birth year ("dob 30/12/1955") is no age


def tokens(text: str) -> list[str]:
    """Lowercase words with punctuation removed; apostrophes kept so "don't" stays one word. Accents and
    full-width letters are folded to plain ones: "ｎｏ" from a phone or an input method was no word at all."""
    if not text.isascii():
        text = "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))
    text = text.lower().replace("\u2019", "'").replace("`", "'")
    text = re.sub(r"[^a-z0-9' ]+", " ", text.replace("-", " "))
    return [word.strip("'") for word in text.split() if word.strip("'")]


@functools.lru_cache(maxsize=8192)
def phrase_key(phrase: str) -> tuple[str, ...]:
    """A vocabulary phrase's words, remembered: every answer is matched against a few hundred phrases."""
    return tuple(tokens(phrase))


Match = tuple[int, int, Any]  # (start, end, value) of a phrase found in an answer's words


def covered(matches: list[Match]) -> set[int]:
    """The word positions inside any of these phrase matches."""
    return {index for start, end, _ in matches for index in range(start, end)}


def find_phrases(words: list[str], phrases: dict[str, Any]) -> list[Match]:
    """Leftmost-longest, non-overlapping phrase matches as (start, end, value)."""
    table = {key: value for phrase, value in phrases.items() if (key := phrase_key(phrase))}
    longest = max((len(key) for key in table), default=0)
    found, index = [], 0
    while index < len(words):
        for size in range(min(longest, len(words) - index), 0, -1):
            key = tuple(words[index:index + size])
            if key in table:
                found.append((index, index + size, table[key]))
                index += size
                break
        else:
            index += 1
    return found


CLAUSE_BREAK = re.compile(r"[,;!?]|\.(?!\d)")  # "no, sitting"; not the point in "2.5"
CLAUSE_PIECE = re.compile(r"((?:[^,;!?.]|\.(?=\d))*)([,;!?]|\.(?!\d)|$)")  # a clause and the mark that ends it


class Words(list[str]):
    """An answer's words, knowing where each clause starts: in "no, sitting" the "no" is not about sitting."""

    def __init__(self, words: list[str], starts: list[int]) -> None:
        super().__init__(words)
        self.starts = tuple(sorted({start for start in starts if 0 < start < len(words)}))


def without(words: list[str], left_out: frozenset[str]) -> list[str]:
    """The words without those in `left_out`, each clause still starting where it did."""
    if not left_out or not any(word in left_out for word in words):
        return words
    kept = [index for index, word in enumerate(words) if word not in left_out]
    starts = getattr(words, "starts", ())
    return Words([words[i] for i in kept], [sum(1 for i in kept if i < start) for start in starts])


def clause_of(words: list[str], index: int) -> tuple[int, int]:
    """(start, end) of the clause holding word `index`; the whole answer for words without clauses."""
    starts = getattr(words, "starts", ())
    return (max((s for s in starts if s <= index), default=0),
            min((s for s in starts if s > index), default=len(words)))


def find_in_clauses(words: list[str], phrases: dict[str, Any]) -> list[Match]:
    """find_phrases within each clause: no phrase runs across a comma ("no, feeling is normal")."""
    bounds = [0, *getattr(words, "starts", ()), len(words)]
    return [(start + first, end + first, value) for first, last in zip(bounds, bounds[1:])
            for start, end, value in find_phrases(words[first:last], phrases)]


@dataclass(frozen=True)
class Understanding:
    """What an answer meant: a control id, or a value for the question (None: not understood)."""

    control: str | None = None
    value: Any = NOT_UNDERSTOOD
    clarify: str | None = None  # not understood, and the question that asks which part was meant ("my hip")


def unit_days(duration: dict[str, Any]) -> dict[str, float]:
    """Days in each duration unit, named in the singular or the plural (vocabulary.toml [duration])."""
    return {**duration["units"], **{plural: duration["units"][unit] for unit, plural in duration["plurals"].items()}}


class Interpreter:
    """Turns heard text into answers using the vocabulary in the content files."""

    def __init__(self, content: Content, today: dt.date | None = None) -> None:
        self.vocab = content.vocabulary
        self.today = today or dt.date.today()
        self.spoken_controls = {p: cid for cid, phrases in self.vocab["control"].items() for p in phrases}
        typed = {p: cid for cid, phrases in self.vocab.get("typed_control", {}).items() for p in phrases}
        self.controls = {**self.spoken_controls, **typed}  # typed answers may say more than a grammar holds
        self.corrections = {p: "back" for p in self.vocab["said_back"]["corrections"]}
        self.spoken_yesno = {p: value for value, phrases in self.vocab["yesno"].items() for p in phrases}
        typed = {p: value for value, phrases in self.vocab.get("typed_yesno", {}).items() for p in phrases}
        self.yesno = {**self.spoken_yesno, **typed}  # typed answers may say more than a recognizer grammar holds
        self.numbers: dict[str, float] = dict(self.vocab["numbers"])
        speech = self.vocab["number_speech"]
        self.joiner, self.articles = speech["joiner"], set(speech["articles"])
        self.hundred = speech["hundred"]
        self.number_names: dict[float, str] = {}  # value -> the first word listed for it, for grammars
        for word, value in self.numbers.items():
            self.number_names.setdefault(value, word)
        self.and_a_half = tokens(speech["and_a_half"])
        duration = self.vocab["duration"]
        self.plurals = set(duration["plurals"].values())
        self.unit_days = unit_days(duration)
        # An age is counted in the longest unit (years): "3 weeks" or "twelve months" answers another question
        longest_unit_days = max(self.unit_days.values())
        self.not_age_units = {word for word, days in self.unit_days.items() if days < longest_unit_days}
        self.between_number_and_unit = set(duration["between"])
        self.frequency = {phrase: True for phrase in duration["frequency"]}
        self.per = set(duration["per"])
        self.control_fillers = set(self.vocab["control_fillers"]["words"])
        asking = self.vocab["asking"]
        self.asking_openers = [phrase_key(phrase) for phrase in asking["openers"]]
        self.asking_with_mark = set(asking["with_question_mark"])
        self.asking_closers = [phrase_key(phrase) for phrase in asking["closers"]]
        negation = self.vocab["negation"]
        self.negations, self.negation_suffix = set(negation["words"]), negation["suffix"]
        self.not_negating_before, self.exceptions = set(negation["unless_followed_by"]), set(negation["exceptions"])
        self.negates_next, self.negates_before = set(negation["just_before"]), {p: True for p in negation["after"]}
        self.answer_negations = {phrase: True for phrase in negation["in_answers"]}
        self.states = set(self.vocab["states"]["words"])
        self.none_phrases = {phrase: True for phrase in self.vocab["none"]["phrases"]}
        # Read together, the longer phrase wins: "no idea" is not sure, though it starts with "no"
        none = self.vocab["none"]
        unsure = (*none["unsure"], *none.get("typed_unsure", []), *self.vocab["yesno"]["unsure"])
        self.none_or_unsure = {**self.none_phrases, **{phrase: False for phrase in unsure}}
        self.qualifiers = {phrase: True for phrase in self.vocab["qualifiers"]["words"]}
        self.acknowledgements = set(self.vocab["acknowledgements"]["words"])
        self.hedged_yes = set(self.vocab["hedged_yes"]["phrases"])
        self.someone_else = set(self.vocab["someone_else"]["words"])
        self.plain_words = set(self.vocab["plain_answer"]["words"]) | self.control_fillers
        self.vague = {phrase: True for phrase in speech["vague"]}
        self.age_range, self.range_before = set(speech["range_words"]), speech["range_before"]
        self.beyond = {**{p: 1 for p in speech["above"]}, **{p: -1 for p in speech["below"]}}
        self.typed_beyond = {**self.beyond, **{p: -1 for p in speech["typed_below"]}}  # never in a grammar
        self.birth_words = set(speech["birth_words"])
        self.range_word = duration["range"][0]
        self.over, self.half_words = speech["above"][0], " ".join(self.and_a_half)  # for typed "50+" and "2.5"
        self.minus = speech["minus"]  # for typed "-5"
        self._option_phrases: dict[tuple[tuple[Any, ...], bool], dict[str, str]] = {}
        self.spellings = {typed: tokens(word) for typed, word in self.vocab["typing"]["spellings"].items()}
        self.carriers = tuple(self.vocab["carriers"]["words"])  # for spoken sentence answers (recognizer grammars)
        self._synonyms: dict[tuple[str, tuple[str, ...]], tuple[tuple[str, ...], ...]] = {}

    def list_done(self, text: str) -> bool:
        """The answer says "that's all": no more options apply (lists asked one option at a time)."""
        return bool(find_phrases(self.words(text), {p: True for p in self.vocab["list_done"]["phrases"]}))

    def control(self, text: str) -> str | None:
        """A control id when the whole answer is a control phrase ("go back", "please repeat")."""
        return self._whole(text, self.controls)

    def only_asks(self, text: str) -> bool:
        """True when every part of the answer asks about the question ("what do you mean by leak", "does dribbling
        count?") rather than answering it (vocabulary.toml [asking])."""
        parts = [(words, mark) for clause, mark in CLAUSE_PIECE.findall(text) if (words := self.words(clause))]
        return bool(parts) and all(self._asks(words, mark == "?") for words, mark in parts)

    def _asks(self, words: list[str], question_mark: bool) -> bool:
        """One part of an answer is a question: it opens with an opener phrase, or with an asking word and ends
        with a "?" or a closer ("does dribbling count")."""
        if any(tuple(words[:len(key)]) == key for key in self.asking_openers):
            return True
        closed = question_mark or any(tuple(words[-len(key):]) == key for key in self.asking_closers)
        return closed and words[0] in self.asking_with_mark

    def correction(self, text: str) -> str | None:
        """ "back" when the whole answer says the answer just said back was heard wrong ("that's wrong")."""
        return self._whole(text, self.corrections)

    def words(self, text: str) -> list[str]:
        """The answer's words, with typed shorthand spelled out ("dont" is "don't", "y" is "yes") and typed
        numbers in words ("5-6" is "5 to 6", "2.5" and "2 1/2" are "2 and a half", "50+" is "over 50", "-5" is
        "minus 5", "3wks" is "3 weeks")."""
        text = re.sub(r"(\d)\s*-\s*(\d)", rf"\1 {self.range_word} \2", text)
        text = re.sub(r"(\d+)(?:\.5\b|\s+1/2\b|\s*\u00bd)", rf"\1 {self.half_words}", text)
        text = re.sub(r"(\d+)\.\d+", r"\1", text)  # other decimals: the whole part
        text = re.sub(r"(\d+)\s*\+", rf"{self.over} \1", text)
        text = re.sub(r"(?<![\w-])-(?=\s*\d)", f" {self.minus} ", text)
        text = re.sub(r"(\d)(?!(?:st|nd|rd|th|s)\b)([a-z])", r"\1 \2", text.lower())  # "3wks" is "3 wks"
        return [word for token in tokens(text) for word in self.spellings.get(token, [token])]

    def clause_words(self, text: str) -> Words:
        """The answer's words (as `words`), with where each clause starts."""
        words: list[str] = []
        starts = []
        for clause in CLAUSE_BREAK.split(text):
            starts.append(len(words))
            words += self.words(clause)
        return Words(words, starts)

    def _beyond(self, words: list[str]) -> int:
        """+1 after "over" / "more than", -1 after "under" / "almost", when right before a number; else 0."""
        shifts = {shift for _, end, shift in find_phrases(words, self.typed_beyond)
                  if end < len(words) and self._is_count(words[end])}
        return shifts.pop() if len(shifts) == 1 else 0

    def _whole(self, text: str, phrases: dict[str, str]) -> str | None:
        """What the whole answer means among `phrases`, with or without the control fillers ("please", "um")."""
        words = self.words(text)
        for candidate in (words, [w for w in words if w not in self.control_fillers]):
            match = phrases.get(" ".join(candidate))
            if match:
                return match
        return None

    def understand(self, question: Question, text: str) -> Understanding:
        """Interpret one answer to `question`; controls win only when they are the whole answer.

        An answer that is exactly one of the question's own options is that option: "back" to "Where is the
        pain?" is the lower back, not "go back".
        """
        words = self.clause_words(text)
        control = self.control(text)
        if control and self.option_phrases(question).get(" ".join(words)) is None:
            return Understanding(control=control)
        if self.only_asks(text):
            return Understanding(control="help")  # "what do you mean by leak": no yes to a warning sign
        if not words:
            return Understanding()
        numbered = self._numbered_option(question, words)
        if numbered is not None:
            return Understanding(value=numbered)
        if question.kind == "multi" and (vague := self._vague_word(question, words)):
            return Understanding(clarify=dict(question.clarify).get(vague))  # "back and both legs": which part?
        value = getattr(self, f"_parse_{question.kind}")(question, words)
        phrases, ask = question.unlisted
        if value is None and phrases and find_phrases(words, {phrase: True for phrase in phrases}):
            return Understanding(clarify=ask)  # "heat" to what eases it: not one of the movements it asks about
        if value is None and question.kind in ("number", "duration") and self._says_unsure(words):
            return Understanding(value="unsure")  # "I don't know how long": an answer, narrowed by steps
        return Understanding(value=value)

    def options_for(self, question: Question) -> list[str]:
        """Canonical answers offered for a question (also what numbered answers pick from)."""
        if question.kind == "yesno":
            return [self.vocab["yesno"][value][0] for value in YESNO_VALUES]  # "yes", "no", "not sure"
        return [option.label for option in question.options] if question.kind in ("choice", "multi") else []

    def _numbered_option(self, question: Question, words: list[str]) -> Any:
        """Typed mode: "2" picks the second offered option; "1 3" picks several for multi."""
        offered = self.options_for(question)
        if question.kind == "multi":
            words = [w for w in words if w != self.joiner]  # "1 and 3"
        if not offered or not words or not all(w.isdigit() for w in words):
            return None
        picks = [int(w) for w in words]
        if not all(1 <= p <= len(offered) for p in picks):
            return None
        if question.kind == "yesno":
            return YESNO_VALUES[picks[0] - 1]
        ids = [question.options[p - 1].id for p in picks]
        return sorted(set(ids), key=ids.index) if question.kind == "multi" else ids[0]

    def _parse_yesno(self, question: Question, words: list[str]) -> str | None:
        """yes, no or unsure; an answer that is not clearly one of them is asked again (None).

        The question's own phrases come first ("it is getting worse" to "Is it getting better?" is a no,
        though "it is" alone is a yes), and the general ones inside them do not count ("haven't" in
        "haven't been able to pee").
        """
        own = find_in_clauses(words, dict(question.means + question.typed_means))
        inside = covered(own)
        general = [m for m in find_in_clauses(words, self.yesno) if not inside & set(range(m[0], m[1]))]
        own_values, general_values = {m[2] for m in own}, {m[2] for m in general}
        found = own_values or general_values
        if self._conflicting(question, own_values, general_values) or self._negated_meaning(words, own, general):
            return None
        if not self._plain_enough(question, words, found, own + general):
            return None
        if question.plain_yes and found == {"yes"} and all(
                " ".join(words[start:end]) in self.hedged_yes for start, end, _ in own + general):
            return "unsure"  # "sort of" getting better is not clearly better: the safer reading
        if question.is_red_flag and question.level != "emergency" and self.someone_else & set(words):
            # "My mum had cancer": whose answer? Asked again for the person's own. Not at an emergency sign, where
            # "yes, my wife says my foot drags" must stand (three misses there end short of an emergency).
            return None
        if (question.is_red_flag or question.plain_yes) and not own and general and all(
                " ".join(words[start:end]) in self.acknowledgements for start, end, _ in general):
            return None  # "ok" agrees rather than answers: never a warning sign's yes, nor a less urgent one
        if "unsure" in found:
            return "unsure"
        return found.pop() if len(found) == 1 else None

    def yes_in_passing(self, question: Question, text: str) -> bool:
        """True when a yes rests only on a general phrase among words that are no part of a plain answer ("I had a
        cold last week" to "Is your hip hot, red or swollen?"): none of the question's own phrases is there."""
        words = self.clause_words(text)
        if find_in_clauses(words, dict(question.means + question.typed_means)):
            return False
        return not self._plain(words, find_in_clauses(words, self.yesno))

    @staticmethod
    def _conflicting(question: Question, own: set[str], general: set[str]) -> bool:
        """The question's own phrases say one thing, the general ones another."""
        return (("yes" in own and "no" in general)  # "it isn't getting better": a no around its own yes
                or (question.is_red_flag and "no" in own and "yes" in general)  # "yes, thank god it's gone"
                or ("no" in own and "unsure" in general))  # "not sure I can stand": never the less urgent no

    def _negated_meaning(self, words: list[str], own: list[Match], general: list[Match]) -> bool:
        """A negation before one of the question's own phrases in its clause ("I don't think I can stand", "no
        way I can walk"), or before an all-is-well word ("it's not normal", "I haven't been well")."""
        yes_words = covered([m for m in own + general if m[2] == "yes"])
        negations = self._negation_positions(words, covered(own) | yes_words)
        if any(self._before_in_clause(words, negations, start) for start, _, _ in own):
            return True
        return any(word in self.states and i not in yes_words and self._before_in_clause(words, negations, i)
                   for i, word in enumerate(words))

    def _plain_enough(self, question: Question, words: list[str], found: set[str], matches: list[Match]) -> bool:
        """A no or not sure that describes something ("no feeling down there") or a qualified no ("no fever, but I
        feel awful") is not plain enough; nor, where yes is the less urgent answer, a yes ("better with
        painkillers"). A yes elsewhere may say more: that is the safer reading."""
        plain, qualified = self._plain(words, matches), bool(find_phrases(words, self.qualifiers))
        if found - {"yes"} and not plain:
            return False
        if found == {"no"} and qualified:
            return False
        return not (question.plain_yes and "yes" in found and (not plain or qualified))

    def _negation_positions(self, words: list[str], skip: set[int]) -> set[int]:
        """Where a negation stands ("not", any "n't", "no way": `[negation] in_answers`), outside the positions
        `skip` (inside a yes phrase such as "not normal")."""
        found = {i for i, word in enumerate(words) if word in self.negations or word.endswith(self.negation_suffix)}
        found |= {start for start, _, _ in find_in_clauses(words, self.answer_negations)}
        return found - skip

    @staticmethod
    def _before_in_clause(words: list[str], positions: set[int], index: int) -> bool:
        """Whether one of `positions` comes before word `index` in its clause."""
        return any(clause_of(words, index)[0] <= position < index for position in positions)

    def _plain(self, words: list[str], matches: list[Match]) -> bool:
        """Every word is part of a yes/no phrase or a plain word (vocabulary.toml [plain_answer])."""
        inside = covered(matches)
        return all(index in inside or word in self.plain_words for index, word in enumerate(words))

    def synonyms(self, question: Question, phrases: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
        """Groups of `phrases` that this question understands as the same answer ("no", "nope", "not really").

        "That's all" is an answer of its own wherever it may be said (a list asked one option at a time takes
        it before yes or no), so "no others" never joins "nope".
        """
        key = (question.id, phrases)  # every re-ask hands the same again: about 28 ms for a yes/no vocabulary
        if key not in self._synonyms:
            self._synonyms[key] = self._group_synonyms(question, phrases)
        return self._synonyms[key]

    def _group_synonyms(self, question: Question, phrases: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
        """The groups themselves, computed by understanding each phrase."""
        groups: dict[tuple[Any, str], list[str]] = {}
        for phrase in phrases:
            got = self.understand(question, phrase)
            if got.control is None and self.list_done(phrase):
                groups.setdefault(("list_done", ""), []).append(phrase)
            elif got.control is not None or got.value is not NOT_UNDERSTOOD:
                groups.setdefault((got.control, repr(got.value)), []).append(phrase)
        return tuple(tuple(group) for group in groups.values() if len(group) > 1)

    def option_phrases(self, question: Question, spoken: bool = False) -> dict[str, str]:
        """Every phrase that names an option: id, label and synonyms, and but for `spoken` (a recognizer's grammar)
        the typed synonyms (built once per question: each answer looks them up several times; read it, do not
        change it)."""
        key = (question.options, spoken)
        if key not in self._option_phrases:
            phrases: dict[str, str] = {}
            for option in question.options:
                typed = () if spoken else option.typed_synonyms
                for phrase in (option.id.replace("_", " "), option.label, *option.synonyms, *typed):
                    phrases.setdefault(phrase.lower(), option.id)
            self._option_phrases[key] = phrases
        return self._option_phrases[key]

    def _matched_options(self, question: Question, words: list[str]) -> list[str]:
        """Options named in the answer, in order, leaving out negated ones ("not the groin")."""
        chosen: list[str] = []
        in_none = covered(find_in_clauses(words, self.none_phrases))
        for start, end, option_id in find_in_clauses(words, self.option_phrases(question)):
            first, last = clause_of(words, start)  # "no, sitting": the "no" answers the question, not sitting
            negated = self._option_negated(words, first, start, in_none)
            if negated or (start > first and words[start - 1] in self.negates_next):
                continue
            if any(at == 0 for at, _, _ in find_phrases(words[end:last], self.negates_before)):
                continue  # "lying down doesn't help"
            if end - start == 1 and words[start] in question.pairing_words and self.joiner in words[end:last]:
                continue  # "both the groin and the buttock": two places, not both sides ("both legs" is longer)
            if option_id not in chosen:
                chosen.append(option_id)
        return chosen

    def _option_negated(self, words: list[str], first: int, start: int, in_none: set[int]) -> bool:
        """Whether a negation stands within three words before an option, in its clause ("not in the groin");
        not "not just the left", not one inside a "none" phrase ("not really, just coughing" spoken without the
        comma), and not "except" after "nothing" ("nothing, except moving about")."""
        for index in range(max(first, start - 3), start):
            word, following = words[index], words[index + 1] if index + 1 < len(words) else ""
            if word not in self.negations or following in self.not_negating_before or index in in_none:
                continue
            if not (word in self.exceptions and self._is_none(words[:start])):
                return True
        return False

    def _is_none(self, words: list[str]) -> bool:
        """The answer says "nothing" / "none of those", and not "no idea" or "not sure" (asked again: read as
        none, "no idea" where it hurts gave no place at all, and ruled out what the rules look for)."""
        found = [is_none for *_, is_none in find_phrases(words, self.none_or_unsure)]
        return bool(found) and all(found)

    def _parse_choice(self, question: Question, words: list[str]) -> str | None:
        """The option named; an answer naming several is not understood, unless one of them is the question's
        `several` option ("both, mostly the left"). "Right" is also an everyday word ("right in the middle")."""
        chosen = self._matched_options(question, words)
        if len(chosen) > 1:
            return next((option for option in question.several if option in chosen), None)
        return chosen[0] if chosen else None

    def options_named(self, question: Question, text: str) -> list[str]:
        """The options an answer to a list question names, also when it is too vague to take ("hips and my back"
        names the lower back)."""
        return self._matched_options(question, without(self.clause_words(text), question.skip_words))

    def _parse_multi(self, question: Question, words: list[str]) -> list[str] | None:
        """Every option named, [] for "nothing", None when neither (`understand` has ruled out a vague word)."""
        words = without(words, question.skip_words)  # "the back of my right thigh"
        chosen = self._matched_options(question, words)
        if chosen:
            return chosen
        return [] if self._is_none(words) else None

    def _vague_word(self, question: Question, words: list[str]) -> str | None:
        """The first word of the question's `ask_again_if` standing outside every option named and not negated."""
        words = without(words, question.skip_words)
        named = covered(find_in_clauses(words, self.option_phrases(question)))
        in_none = covered(find_in_clauses(words, self.none_phrases))
        for index, word in enumerate(words):
            # "lower back, not the hip": a place ruled out needs no asking about
            if word in question.ask_again_if and index not in named \
                    and not self._option_negated(words, clause_of(words, index)[0], index, in_none):
                return word
        return None

    def _says_unsure(self, words: list[str]) -> bool:
        """Whether the answer says "not sure" or "I don't know"."""
        return any(value == "unsure" for *_, value in find_phrases(words, self.yesno))

    def _parse_free(self, question: Question, words: list[str]) -> str | None:
        """The option the free answer mentions (the first of the question's `several` among several named, else the
        first named); "unsure" when it names none but says "I don't know"; None (asked again) when it is only a yes,
        which answers some other question ("yes" to "How did it start?" was kept as a cause; a plain "no" may mean
        nothing started it, and stays "other"); else "other" (the text is kept in the transcript).

        "I don't know" how it started was recorded as "for no clear reason", which rules out a fall; not sure,
        an older person's pain may still have followed one (rules.toml `fall_older`, when in doubt)."""
        chosen = self._matched_options(question, words)
        if not chosen and self._says_unsure(words):
            return "unsure"
        yes = [match for match in find_in_clauses(words, self.yesno) if match[2] == "yes"]
        if not chosen and yes and self._plain(words, yes):
            return None
        return next((option for option in question.several if option in chosen), chosen[0] if chosen else "other")

    def numbers_in(self, words: list[str]) -> list[tuple[int, float]]:
        """(last index, value) of each number in the words; "sixty four" is one number ending at "four", and
        "a hundred and two" one ending at "two"."""
        found: list[tuple[int, float]] = []
        index = 0
        while index < len(words):
            number = self._number_at(words, index)
            if number is None:
                index += 1
                continue
            index, value = number
            if value == 100:  # "hundred and two", "hundred two"
                after = index + 2 if words[index + 1:index + 2] == [self.joiner] else index + 1
                rest = self._number_at(words, after)
                if rest is not None and 1 <= rest[1] < 100:
                    index, value = rest[0], value + rest[1]
            found.append((index, value))
            index += 1
        return found

    def _number_at(self, words: list[str], index: int) -> tuple[int, float] | None:
        """(last index, value) of a number starting at `index` ("sixty four" ends at "four"), or None."""
        value = self._number_word(words[index]) if index < len(words) else None
        if value is None:
            return None
        if value == 1 and index + 1 < len(words) and self._number_word(words[index + 1]) == 100:
            return index + 1, 100.0  # "one hundred"
        if 20 <= value < 100 and value % 10 == 0 and index + 1 < len(words):
            unit = self._number_word(words[index + 1])
            if unit is not None and 1 <= unit <= 9:
                return index + 1, value + unit
        return index, value

    def _number_word(self, word: str) -> float | None:
        """A digit string or a number word."""
        if word.isdigit():
            return float(word)
        return self.numbers.get(word)

    def spoken_number(self, n: int) -> str:
        """1..199 in words, as a recognizer grammar needs them ("a hundred and two")."""
        if n >= 100:
            return self.hundred + (f" {self.joiner} {self.spoken_number(n - 100)}" if n > 100 else "")
        if n in self.number_names:
            return self.number_names[n]
        return f"{self.number_names[n - n % 10]} {self.number_names[n % 10]}"

    def _parse_number(self, question: Question, words: list[str]) -> float | dict[str, Any] | None:
        """A whole or half number between 1 and 120 (an age: "45 and a half" is 45.5); several different numbers
        are not understood. When the question has steps to narrow it down with, a decade ("in my fifties") or a
        range ("between 50 and 60") is {"between": [first, last], "text"}.

        By voice, noise turns an age into "five thirteen eight": taking the first number made a 42-year-old
        five (scripts/bench_spoken.py, p-g2 at 20 dB), so such an answer is asked again instead, as is a rough
        one ("fifty something"). So is a number with a unit shorter than a year ("about 3 weeks" was age 3).
        """
        if self.not_age_units & set(words):
            return None
        words, half = self._without_half(words)
        kept = [w for w in words if w not in self.articles]
        found = self.numbers_in(kept)
        values = {value for _, value in found}
        if not values:
            span = self._decade(words)
        elif half:
            span = None  # "45 and a half": an age as said, never a year or a range
        else:
            span = self._born_in(values, words) or (self._age_range(kept, found) if len(found) == 2 else None)
        if question.steps and span is not None and not find_phrases(words, self.vague):
            return {"between": list(span), "text": " ".join(words)}
        if len(values) != 1 or find_phrases(words, self.vague):
            return None
        value = values.pop() + half + self._beyond(words)
        if not (1 <= value <= 120 and value * 2 == int(value * 2)):
            return None
        return int(value) if value == int(value) else value

    def _born_in(self, values: set[float], words: list[str]) -> tuple[int, int] | None:
        """The two ages a birth year allows ("born in 1966": 59 or 60 in 2026), when the one number is a year. After
        a birth word, the one year among a day and a month counts ("dob 30/12/1955"), and two figures alone are a
        year ("born in 61": 1961, the latest such year not in the future)."""
        years = values
        if self.birth_words & set(words):
            if len(values) == 1 and max(values) < 100:
                century = self.today.year - self.today.year % 100
                years = {value + (century if century + value <= self.today.year else century - 100) for value in values}
            elif all(value >= 100 or value <= DAYS_IN_A_MONTH for value in values):
                years = {value for value in values if value >= 100}
        if len(years) != 1:
            return None
        (year,) = years
        youngest = self.today.year - int(year) - 1
        return (youngest, youngest + 1) if year == int(year) and 1 <= youngest < 120 else None

    def _without_half(self, words: list[str]) -> tuple[list[str], float]:
        """The words without an "and a half" that follows a number, and 0.5 if one did ("45 and a half")."""
        size = len(self.and_a_half)
        for index in range(1, len(words) - size + 1):
            if words[index:index + size] == self.and_a_half and self._is_count(words[index - 1]):
                return words[:index] + words[index + size:], 0.5
        return words, 0.0

    def _age_range(self, words: list[str], found: list[tuple[int, float]]) -> tuple[int, int] | None:
        """(first, last) of the two ages `found` in the words (numbers_in), when a range word joins them ("50 to 55";
        "between 50 and 60"), lower first."""
        (first_end, first), (last_end, last) = found
        last_start = next(i for i in range(first_end + 1, last_end + 1) if self._number_at(words, i) is not None)
        joining = words[first_end + 1:last_start]
        first_start = next(i for i in range(first_end + 1) if self._number_at(words, i) is not None)
        after_between = first_start > 0 and words[first_start - 1] == self.range_before
        if not (joining and len(joining) == 1 and (joining[0] in self.age_range
                                                   or (after_between and joining[0] == self.joiner))):
            return None
        low, high = sorted((int(first), int(last)))  # whole numbers: a half is never part of a range
        return (low, high) if 1 <= low < high <= 120 else None

    def _decade(self, words: list[str]) -> tuple[int, int] | None:
        """The years a decade names ("fifties", "50s": 50 to 59; "late forties": 47 to 49), if exactly one."""
        speech = self.vocab["number_speech"]
        found = []
        for index, word in enumerate(words):
            start = speech["decades"].get(word)
            if start is None and (match := DECADE_IN_FIGURES.match(word)):
                start = int(match.group(1)) * 10
            if start is not None:
                first, last = next((speech["decade_parts"][w] for w in words[max(0, index - 2):index]
                                    if w in speech["decade_parts"]), (0, 9))
                found.append((start + first, start + last))
        return found[0] if len(found) == 1 else None

    def _parse_duration(self, question: Question, words: list[str]) -> dict[str, Any] | None:
        """How long, in days: "three weeks", "a couple of months", "since Tuesday", "10 days", "since August"."""
        settings = self.vocab["duration"]
        counted = self._counted_days(self._shorter_ends(self._without_frequencies(
            without_named_days(words, settings["dates"])), set(settings["range"])))
        dated = days_since_date(words, self.today, settings["dates"])
        if counted is not None and dated is not None:
            return None  # "3 days, had the same in May": which is this pain?
        # A weekday beside a count or a date only says which day of it ("on a Monday about 3 weeks ago" was 3 days)
        days = counted if counted is not None else dated if dated is not None else self._weekday_days(
            [settings["weekday_words"].get(word, word) for word in words], settings["weekdays"])
        if days is None:
            fixed = find_phrases(words, settings["phrases"])
            days = fixed[0][2] if fixed else None
        if days is None:
            return None
        text = " ".join(with_capitals(words, settings["weekdays"], settings["dates"]))
        return {"days": max(0, int(round(days)) + self._beyond(words)), "text": text}

    def _counted_days(self, words: list[str]) -> float | None:
        """Counted units; a fixed phrase holding a unit ("half a year", "last week") is not counted word by word,
        and stands for itself only when nothing else is counted ("two months, I saw the GP last week" is 60)."""
        phrases = self.vocab["duration"]["phrases"]
        fixed = [(s, e, v) for s, e, v in find_phrases(words, phrases) if self.unit_days.keys() & set(words[s:e])]
        in_fixed = covered(fixed)
        rest = [w for i, w in enumerate(words) if i not in in_fixed]
        if self._separate_counts(rest):
            return None  # "3 weeks, had the same thing 5 years ago": which is it? Asked again, never added up
        days = self._unit_days(rest)
        return days if days is not None or not fixed else fixed[0][2]

    def _separate_counts(self, words: list[str]) -> bool:
        """Two durations with other words between them; "two weeks and three days" is one."""
        joining = {self.joiner, *self.and_a_half, *self.between_number_and_unit, *self.numbers}
        units = [i for i, w in enumerate(words) if w in self.unit_days]
        return any(not w.isdigit() and w not in joining for a, b in zip(units, units[1:]) for w in words[a + 1:b])

    def _shorter_ends(self, words: list[str], range_words: set[str]) -> list[str]:
        """The words with each range ("a month to six weeks", "three or four weeks") cut to its shorter end:
        newer pain is the more urgent reading. Only "to" or "or" between a count or unit and a count is a range
        ("I had to take a week off" is not)."""
        out, index = list(words), 1
        while index < len(out) - 1:
            is_range = out[index] in range_words and self._is_count(out[index + 1]) and (
                self._is_count(out[index - 1]) or out[index - 1] in self.unit_days)
            cut = self._range_at(out, index) if is_range else None
            if cut is None:
                index += 1
                continue
            begin, stop, shorter = cut
            out = out[:begin] + shorter + out[stop:]
            index = begin + len(shorter)
        return out

    def _range_at(self, words: list[str], index: int) -> tuple[int, int, list[str]] | None:
        """(begin, stop, shorter end) of the range around words[index]; None when either end is no duration.

        The left end runs back to the previous unit ("two months, a week or two"), the right end on to its
        unit (and "and a half"); an end without a unit borrows the other's ("three" of "three or four weeks").
        """
        own_unit = index - 1 if words[index - 1] in self.unit_days else index
        begin = max((i for i in range(own_unit) if words[i] in self.unit_days), default=-1) + 1
        stop = next((i for i in range(index + 1, len(words)) if words[i] in self.unit_days), index + 1) + 1
        stop += len(self.and_a_half) if words[stop:stop + len(self.and_a_half)] == self.and_a_half else 0
        left, right = words[begin:index], words[index + 1:stop]
        units = [w for w in left + right if w in self.unit_days]
        if not units:
            return None
        left += [] if any(w in self.unit_days for w in left) else units[-1:]
        right += [] if any(w in self.unit_days for w in right) else units[:1]
        ends = [(days, end) for end in (left, right) if (days := self._unit_days(end)) is not None]
        if len(ends) < 2:
            return None
        return begin, stop, min(ends, key=lambda pair: pair[0])[1]

    def _without_frequencies(self, words: list[str]) -> list[str]:
        """The words less each "how often": a frequency phrase (`[duration] frequency`), any counts and joining
        words after it, and the unit they lead to ("every day", "twice a week", "every few weeks"); and a counted
        unit "a" or "per" another ("2 days a week")."""
        kept = list(words)
        for start, end, _ in find_phrases(words, self.frequency):
            unit = self._skip_counts(words, end, 1)
            if unit < len(words) and words[unit] in self.unit_days:
                kept[start:unit + 1] = [""] * (unit + 1 - start)
        for index in range(1, len(words) - 1):
            if words[index] in self.per and {words[index - 1], words[index + 1]} <= self.unit_days.keys():
                start = self._skip_counts(words, index - 2, -1) + 1
                kept[start:index + 2] = [""] * (index + 2 - start)
        return [word for word in kept if word]

    def _skip_counts(self, words: list[str], index: int, step: int) -> int:
        """The first index from `index` on, going by `step`, that is neither a count nor a joining word."""
        while 0 <= index < len(words) and (self._is_count(words[index]) or words[index] in self.between_number_and_unit):
            index += step
        return index

    def _is_count(self, word: str) -> bool:
        """A number, in digits or words ("a" counts as one)."""
        return word.isdigit() or word in self.numbers

    def _weekday_days(self, words: list[str], weekdays: list[str]) -> int | None:
        """Days since the named weekday (last week's if today is that day)."""
        for word in words:
            if word in weekdays:
                back = (self.today.weekday() - weekdays.index(word)) % 7
                return back or 7
        return None

    def _unit_days(self, words: list[str]) -> float | None:
        """Sum of "<number> <unit>" pairs; a bare plural unit ("for weeks") counts as two."""
        numbers = dict(self.numbers_in(words))
        half = self.and_a_half
        total, seen = 0.0, False
        for index, word in enumerate(words):
            if word not in self.unit_days:
                continue
            count = self._count_before(words, index, numbers)
            if count is None:
                count = 2.0 if word in self.plurals else 1.0
            if words[index + 1:index + 1 + len(half)] == half:
                count += 0.5
            total, seen = total + count * self.unit_days[word], True
        return total if seen else None

    def _count_before(self, words: list[str], index: int, numbers: dict[int, float]) -> float | None:
        """The number just before a unit, skipping "of" ("a couple of months") and joining "sixty four"."""
        half = self.and_a_half
        for back in range(index - 1, max(-1, index - 5), -1):
            start = back - len(half) + 1
            if words[start:back + 1] == half and (start - 1) in numbers:
                return numbers[start - 1] + 0.5  # "two and a half weeks"
            if back in numbers:
                return numbers[back]
            if words[back] not in self.between_number_and_unit:
                return None
        return None


def vocabulary(interpreter: Interpreter, question: Question) -> tuple[str, ...]:
    """Every phrase that can be understood for `question`, for a grammar-based recognizer."""
    vocab = interpreter.vocab
    phrases: list[str] = list(interpreter.spoken_controls)
    if question.kind == "yesno":
        phrases += list(interpreter.spoken_yesno) + [phrase for phrase, _ in question.means]
    elif question.kind in ("choice", "multi", "free"):
        phrases += list(interpreter.option_phrases(question, spoken=True))
        # A multi question also hears the vague words it lists ("hip"), to ask which part is meant.
        phrases += [*vocab["none"]["phrases"], *vocab["none"]["unsure"], *question.listen_for] \
            if question.kind == "multi" else []
        phrases += vocab["none"]["unsure"] if question.kind == "free" else []  # "I don't know" how it started
    elif question.kind == "number":
        phrases += [interpreter.spoken_number(n) for n in range(1, 111)]
    elif question.kind == "duration":
        phrases += _duration_phrases(interpreter)
    if question.kind in ("number", "duration"):
        phrases += vocab["none"]["unsure"]  # "I don't know" is asked step by step (questions.toml step)
        # "over six weeks" is 43 days: without "over" in the grammar it was heard as "or six weeks", 42 days, which
        # is not over six weeks (all 24 voices and rates; scripts/hear_phrases.py, docs/benchmarks.md)
        phrases += list(interpreter.beyond)
    return tuple(dict.fromkeys(p.lower() for p in phrases))


def reask_vocabulary(interpreter: Interpreter, key: str = "yesno") -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(vocabulary, controls) for a yes/no question asked again by voice ("check": a read-back): the short
    answers of vocabulary.toml [reask] and the first phrase of each control, so the recognizer chooses among
    few phrases."""
    controls = tuple(phrases[0] for phrases in interpreter.vocab["control"].values())
    # A check also hears "that's wrong": left out, the recognizer heard it as "that's right" in 5 of 7 voices.
    corrections = interpreter.vocab["said_back"]["corrections"] if key == "check" else []
    return tuple(dict.fromkeys((*controls, *interpreter.vocab["reask"][key], *corrections))), controls


def _duration_phrases(interpreter: Interpreter) -> list[str]:
    """Spoken durations: "three weeks", "a couple of months", "since tuesday" and fixed phrases."""
    settings = interpreter.vocab["duration"]
    phrases = [f"{count} {unit}" if interpreter.numbers.get(count) == 1 else f"{count} {settings['plurals'][unit]}"
               for count in settings["spoken_counts"] for unit in settings["spoken_units"]]
    phrases += [settings["spoken_since"].format(weekday=day) for day in settings["weekdays"]]
    phrases += [*settings["phrases"], *settings["unclear"]]
    return phrases

