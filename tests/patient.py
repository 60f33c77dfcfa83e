"""Standardized-patient driver: plays a vignette through `voice-triage --jsonl`, answering like a person.

It never looks at question ids: it reads each question's text, decides what is being asked from the
words a person would notice, and answers from the case facts in natural, varied wording.
"""
from __future__ import annotations

import functools
import json
import random
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from voice_triage.content import Content, Question, load_content
from voice_triage.understand import Interpreter

ROOT = Path(__file__).resolve().parents[1]
PUBLIC_VIGNETTES = ROOT.parent / "shared" / "vignettes" / "public.toml"
OWN_VIGNETTES = ROOT / "tests" / "vignettes" / "own.toml"
LEVELS = ["emergency", "urgent", "gp", "self_care"]

YES = ["yes", "yeah", "yes, I have", "I think so", "yep"]
NO = ["no", "nope", "not really", "not that I've noticed", "no, I don't think so"]
PLAIN = {True: ["yes", "yeah", "yep"], False: ["no", "nope"]}  # told "you can say yes, no, or not sure"
# Said instead of an answer by a chatty patient (people at home talk to others, or think aloud).
REMARKS = ["my dog is barking", "my daughter is here", "what time is it", "where are my glasses",
           "the kettle is boiling", "somebody is at the door", "it is raining outside", "i need a cup of tea"]

PLACES = {"lower back": "my lower back", "buttock": "my buttock", "groin": "my groin",
          "front of thigh": "the front of my thigh", "outer hip": "the side of my hip",
          "back of thigh": "the back of my thigh", "below the knee": "below the knee", "foot": "my foot"}
SIDES = {"left": "on the left", "right": "the right side", "both": "both sides", "middle": "in the middle"}
WORSE = {"sitting": "sitting", "bending": "bending over", "twisting": "twisting", "lifting": "lifting things",
         "walking": "walking", "standing": "standing", "stairs": "stairs", "socks": "putting on my socks",
         "car": "getting out of the car", "lying on side": "lying on my side", "coughing": "coughing",
         "running": "running", "arching back": "arching my back", "rest": "resting", "morning": "first thing in the morning",
         "activity": "being active", "lying down": "lying down", "moving": "moving"}
BETTER = {"rest": "rest", "walking": "walking", "leaning forward": "leaning forward on a shopping trolley",
          "sitting": "sitting down", "lying down": "lying down", "moving": "moving about", "standing": "standing"}


def load_cases(path: Path) -> list[dict[str, Any]]:
    """The [[case]] tables of a vignette file."""
    with path.open("rb") as handle:
        return tomllib.load(handle)["case"]


@functools.cache
def _content() -> Content:
    """The shipped content, to judge answers by meaning (read-backs, one-by-one questions)."""
    return load_content()


@functools.cache
def _interpreter() -> Interpreter:
    """The shipped interpreter: what typed mode understands from a phrase is taken as what it means."""
    return Interpreter(_content())


def _listing(items: list[str]) -> str:
    """"a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _one_by_one_start(question: Question) -> str:
    """What a question asked one option at a time says before the option ("Does it hurt here: ")."""
    return question.one_by_one.split("{option}")[0]


def _one_by_one_pattern() -> str:
    """A regular expression for the questions that ask one option at a time ("does it hurt here: ")."""
    starts = [_one_by_one_start(q).lower() for q in _content().symptoms if q.one_by_one]
    return "^(" + "|".join(re.escape(start) for start in starts) + ")"


@functools.cache
def _noted_pattern() -> re.Pattern[str]:
    """A regular expression for an answer said back ("Noted: no."), from the content's wording; group 1 the answer."""
    before, after = _content().phrases["noted"].split("{answer}")
    return re.compile("^" + re.escape(before) + "(.+)" + re.escape(after) + "$", re.IGNORECASE)


TENS = {"sixteen": 16, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "sixty-five": 65,
        "seventy": 70}


class Patient:
    """Answers questions from one case's facts, choosing among natural phrasings."""

    def __init__(self, facts: dict[str, Any], seed: int = 0, chatty: float = 0.0) -> None:
        self.facts = facts
        # Share of warning-sign questions answered first with a remark, and those so answered; with its own random
        # numbers, so that a chatty patient words its answers exactly as a quiet one does.
        self.chatty, self.chatter = chatty, random.Random(seed)
        self.remarked: set[str] = set()
        self.random = random.Random(seed)
        self.said_yes: dict[str, set[str]] = {}  # list question asked one option at a time -> options said yes to
        self.undo = False  # the assistant said back a wrong answer: say "go back" at the next question
        self.said_back = self.undone = 0  # answers said back to this patient, and those it undid with "go back"
        # Order matters: the first pattern found in the question decides what it is about.
        self.rules: list[tuple[str, Callable[[], str]]] = [
            (r"is that right", self.confirm),
            (r"say '?continue'? when you are ready", lambda: "continue"),
            (r"^are you (over|under) [\w-]+|^are you [\w-]+ or older", self.age_step),
            (r"for more than (six|twelve) weeks", self.duration_step),
            (_one_by_one_pattern(), self.one_thing),  # "Does it hurt here: groin?", from the content's wordings
            (r"repeat that", lambda: "no"),
            (r"urine|bladder", lambda: self.flag("bladder_bowel")),
            (r"bowel", lambda: self.flag("bladder_bowel")),
            (r"between your legs|genitals or back passage", lambda: self.flag("saddle_numbness")),
            (r"sexual", lambda: self.flag("sexual_dysfunction")),
            (r"inject|immune", lambda: self.flag("immunosuppressed", "iv_drugs")),  # before "weak": "weaken"
            (r"weak|foot drag", lambda: self.flag("leg_weakness")),
            (r"lost feeling", lambda: self.flag("leg_numbness")),
            (r"accident|car crash", lambda: self.flag("trauma", "deformity")),
            (r"put weight", lambda: self.flag("cannot_bear_weight")),
            (r"hot, red|swollen", lambda: self.flag("hot_swollen")),
            (r"fever|chills|unwell", lambda: self.flag("fever", "unwell")),
            (r"cancer", lambda: self.flag("cancer_history")),
            (r"osteoporosis|steroid", lambda: self.flag("osteoporosis")),
            (r"lost weight|weight loss", lambda: self.flag("weight_loss")),
            (r"all the time|at night", lambda: self.flag("night_pain")),
            (r"shoulder blades|lump", lambda: self.yes_no(False)),
            (r"how old|your age", self.age),
            (r"where is the pain|where does it hurt", self.location),
            (r"which side|left, right", self.side),
            (r"how long|how many days", self.duration),
            (r"getting better|improving", lambda: self.yes_no(bool(self.facts.get("getting_better")))),
            (r"feel like|sharp, shooting", self.quality),
            (r"in one leg, or in both|one leg, or both", self.tingling_legs),
            (r"tingling|pins and needles", lambda: self.flag("tingling")),
            (r"makes it worse", lambda: self.things("worse", WORSE)),
            (r"makes it easier|eases it", lambda: self.things("better", BETTER)),
            (r"stiff for", lambda: self.flag("morning_stiffness_long")),
            (r"limp", lambda: self.flag("limp")),
            (r"how did it start|how did the pain start", self.onset),
        ]

    def answer(self, question_text: str) -> str:
        """What this patient says to a question ("go back" first if the last answer was said back wrongly)."""
        if self.undo:
            self.undo, self.undone = False, self.undone + 1
            return "go back"
        lowered = question_text.lower()
        self.question = question_text
        if "is that right" not in lowered and "when you are ready" not in lowered:  # keep what a check is about
            self.meant: bool | int | tuple[str, int] | list[str] | Said | None = None
        wording = self.random.getstate()
        said = next((reply() for pattern, reply in self.rules if re.search(pattern, lowered)), "I don't know")
        if remark := self._remark(question_text):
            self.random.setstate(wording)  # the answer comes at the next ask, worded as if there had been no remark
            return remark
        return said

    def _remark(self, question_text: str) -> str | None:
        """Now and then (`chatty`), something off-topic instead of the answer to a warning-sign question, once per
        question; the answer it stands for is still what was meant, so a wrong "Noted: ..." is undone."""
        flag = next((q.id for q in _content().red_flags if question_text.startswith((q.text, q.reask))), None)
        if not self.chatty or flag is None or flag in self.remarked or self.chatter.random() >= self.chatty:
            return None
        self.remarked.add(flag)
        return self.chatter.choice(REMARKS)

    def confirm(self) -> str:
        """ "I heard X. Is that right?": yes only if X is what this patient meant by the last answer."""
        heard = self.question.lower()
        # "I heard stop. Do you want to stop now?": this patient never asks to stop.
        right = "heard stop" not in heard and self._agrees(re.sub(r"^i heard |\. is that right\?$", "", heard.strip()))
        return self.random.choice(YES if right else NO)

    def notice(self, said: str) -> None:
        """Something the assistant says: an answer said back wrongly ("Noted: no." after a yes) is undone next."""
        if noted := _noted_pattern().match(said):
            self.said_back += 1
            self.undo = self.meant is not None and not self._agrees(noted.group(1).lower())

    def _agrees(self, answer: str) -> bool:
        """Whether an answer read or said back ("no", "about 14 days", "42", "lower back, foot") is what was meant."""
        if answer in ("yes", "no", "not sure"):
            return self.meant is None or self.meant == {"yes": True, "no": False}.get(answer)
        if (days := re.search(r"about (\d+) days", answer)) and isinstance(self.meant, tuple):
            return abs(int(days.group(1)) - self.meant[1]) <= 0.3 * self.meant[1]  # "two months" for nine weeks is fine
        if answer.isdigit() and isinstance(self.meant, int) and self.meant is not True:
            return int(answer) == self.meant
        if isinstance(self.meant, Said):
            return self.meant.same_as(answer)
        if isinstance(self.meant, list):
            return _only_what_was_meant(answer, self.meant)
        return True

    def yes_no(self, value: bool) -> str:
        """A yes or no in one of several wordings; plainly when the question says how to answer."""
        self.meant = value
        plain = "you can say yes, no" in self.question.lower()
        return self.random.choice(PLAIN[value] if plain else YES if value else NO)

    def duration(self) -> str:
        self.meant = ("days", int(self.facts.get("duration_days", 0)))
        return self.facts.get("duration_text", "I'm not sure")

    def flag(self, *names: str) -> str:
        return self.yes_no(any(bool(self.facts.get(name)) for name in names))

    def age(self) -> str:
        self.meant = int(self.facts.get("age", 40))
        return self.random.choice(["I'm {}", "{}", "{} years old"]).format(self.facts.get("age", 40))

    def age_step(self) -> str:
        """ "Are you over fifty?", "Are you under twenty?", "Are you sixty-five or older?" (an age narrowed down by
        yes/no questions)."""
        question, age = self.question.lower(), int(self.facts.get("age", 40))
        if found := re.search(r"^are you ([\w-]+) or older", question):
            return self.yes_no(age >= TENS[found.group(1)])
        side, word = re.search(r"^are you (over|under) ([\w-]+)", question).groups()
        return self.yes_no(age > TENS[word] if side == "over" else age < TENS[word])

    def duration_step(self) -> str:
        """ "Have you had this pain for more than six weeks?" """
        weeks = {"six": 6, "twelve": 12}[re.search(r"more than (six|twelve) weeks", self.question.lower()).group(1)]
        return self.yes_no(int(self.facts.get("duration_days", 0)) > 7 * weeks)

    def location(self) -> str:
        keys = list(self.facts.get("location", [])) or ["lower back"]
        places = [PLACES[p] for p in keys]
        self.meant = keys + places
        return self.random.choice(["mostly in {}", "{}", "it's in {}"]).format(_listing(places))

    def side(self) -> str:
        said = SIDES.get(self.facts.get("side", "middle"), "in the middle")
        self.meant = Said(self.question, said)
        return said

    def tingling_legs(self) -> str:
        """Tingling in both legs when the pain is on both sides (the vignettes have no fact of their own for it)."""
        said = "both legs" if self.facts.get("side") == "both" else "just the one leg"
        self.meant = Said(self.question, said)
        return said

    def quality(self) -> str:
        self.meant = list(self.facts.get("quality", []))
        words = [q.replace("deep ache", "a deep ache").replace("dull ache", "a dull ache")
                 for q in self.meant] or ["I can't describe it"]
        return self.random.choice(["it's {}", "{}", "kind of {}"]).format(_listing(words))

    def one_thing(self) -> str:
        """ "Does it hurt here: groin?": yes if the thing asked about is among what this patient would say.

        Judged by meaning, as typed text would be understood: "deep ache" is a yes to "a dull ache".
        """
        asked = next(q for q in _content().symptoms
                     if q.one_by_one and self.question.startswith(_one_by_one_start(q)))
        thing = self.question[len(_one_by_one_start(asked)):].rstrip("?")
        wording = {"location": PLACES, "worse": WORSE, "better": BETTER}.get(asked.id, {})
        facts = self.facts.get(asked.id, [])
        own = [facts] if isinstance(facts, str) else [wording.get(fact, fact) for fact in facts]  # "how it started"
        interpreter = _interpreter()
        meant = _as_set(interpreter.understand(asked, _listing(own)).value) if own else set()
        said_yes = self.said_yes.setdefault(asked.id, set())
        option = _as_set(interpreter.understand(asked, thing).value) or {"?"}
        if meant <= said_yes and not option <= said_yes:  # all said already (asked again: says yes again)
            self.meant = None
            return self.random.choice(["that's all", "no more", "that's it"])
        if option <= meant:
            said_yes |= option
        return self.yes_no(option <= meant)

    def onset(self) -> str:
        said = self.facts.get("onset", "I don't know")
        self.meant = Said(self.question, said)
        return said

    def things(self, fact: str, wording: dict[str, str]) -> str:
        items = [wording[w] for w in self.facts.get(fact, [])]
        self.meant = list(self.facts.get(fact, [])) + items
        return _listing(items) if items else self.random.choice(["nothing really", "nothing"])


def _as_set(value: Any) -> set[str]:
    """Options an answer names: a list's items, or a single option ("strain"); none for "other" or nothing."""
    if isinstance(value, list):
        return set(value)
    return {value} if isinstance(value, str) and value != "other" else set()


@dataclass(frozen=True)
class Said:
    """A free answer in the patient's own words, and the question it answered."""

    question: str
    words: str

    def same_as(self, read_back: str) -> bool:
        """Whether "I heard <read_back>" means what these words mean (judged as typed text would be)."""
        asked = next(q for q in _content().symptoms if self.question.startswith((q.text, q.reask)))
        interpreter = _interpreter()
        return interpreter.understand(asked, read_back).value == interpreter.understand(asked, self.words).value


STOP_WORDS = {"of", "on", "the", "my", "a", "in", "that", "your", "about", "things", "over"}


def _only_what_was_meant(heard: str, meant: list[str]) -> bool:
    """ "I heard lower back, foot.": right only if each thing read back names something this patient said.

    A thing is named by its last word ("lower leg" is not "lower back"; "side of the hip" is "outer hip"),
    and "coughing or sneezing" by any alternative. Like a person, it does not insist on hearing every item
    back, but says no to anything it did not say.
    """
    said = re.sub(r"^i heard |\. is that right\?$", "", heard.strip())
    if said == "none":
        return not meant
    stems = {w[:4] for m in meant for w in m.split() if w not in STOP_WORDS}

    def named(alternative: str) -> bool:
        words = [w for w in alternative.split() if w not in STOP_WORDS]
        return bool(words) and words[-1][:4] in stems

    return all(any(named(alt) for alt in item.split(" or ")) for item in said.split(", "))


@dataclass
class Outcome:
    """One case's result against its gold answer."""

    case_id: str
    gold: str
    got: str
    acceptable: list[str]
    source_gold: list[str]
    source_got: str
    questions: int

    @property
    def exact(self) -> bool:
        return self.got == self.gold

    @property
    def under_triaged(self) -> bool:
        least_urgent = max(LEVELS.index(level) for level in self.acceptable + [self.gold])
        return LEVELS.index(self.got) > least_urgent

    @property
    def source_ok(self) -> bool:
        return "any" in self.source_gold or self.source_got in self.source_gold


def command() -> list[str]:
    """How to start the assistant in JSONL mode."""
    return [sys.executable, "-m", "voice_triage", "--jsonl", "--no-save"]


def play(case: dict[str, Any], seed: int = 0, extra_args: list[str] | None = None) -> tuple[Outcome, dict[str, Any]]:
    """Play one case through the real program over a pipe; returns the outcome and the report."""
    patient = Patient(case["facts"], seed)
    process = subprocess.Popen(command() + (extra_args or []), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               text=True, cwd=ROOT)
    report, questions = {}, 0
    for line in process.stdout:
        event = json.loads(line)
        if event["type"] == "ask":
            questions += 1
            process.stdin.write(patient.answer(event["text"]) + "\n")
            process.stdin.flush()
        elif event["type"] == "end":
            report = event["report"]
    process.stdin.close()
    process.wait(timeout=30)
    outcome = Outcome(case["id"], case["disposition"], report.get("disposition", "?"),
                      list(case.get("acceptable", [case["disposition"]])), list(case.get("source", ["any"])),
                      report.get("likely_source", "?"), questions)
    return outcome, report


def table(outcomes: list[Outcome]) -> str:
    """A Markdown table of outcomes with a summary line."""
    lines = ["| case | gold | got | exact | under-triaged | likely source (gold) | questions |",
             "|---|---|---|---|---|---|---|"]
    for o in outcomes:
        lines.append(f"| {o.case_id} | {o.gold} | {o.got} | {'yes' if o.exact else 'no'} | "
                     f"{'**YES**' if o.under_triaged else 'no'} | {o.source_got} ({', '.join(o.source_gold)}) | {o.questions} |")
    exact = sum(o.exact for o in outcomes)
    under = sum(o.under_triaged for o in outcomes)
    sources = sum(o.source_ok for o in outcomes)
    lines.append(f"\n{exact}/{len(outcomes)} exact, {under} under-triaged, {sources}/{len(outcomes)} likely source acceptable.")
    return "\n".join(lines)
