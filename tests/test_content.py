"""The content files load, validate, cite sources, and broken files fail with the file and key named."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from voice_triage.content import CONTENT_DIR, CONTROL_IDS, LEVELS, ContentError, load_content
from voice_triage.dialog import Dialog


def test_packaged_content_loads(content):
    assert len(content.red_flags) >= 12
    assert {q.level for q in content.red_flags} == {"emergency", "urgent", "gp"}
    assert [q.id for q in content.questions[: len(content.red_flags)]] == [q.id for q in content.red_flags]


def test_every_red_flag_level_group_is_ordered_most_urgent_first(content):
    ranks = [LEVELS.index(q.level) for q in content.red_flags]
    assert ranks == sorted(ranks)


def test_every_clinical_item_names_a_known_source(content):
    items = list(content.questions) + list(content.rules) + list(content.modifiers) + list(content.stretches)
    items += list(content.features)
    assert all(item.source in content.sources for item in items)
    assert all(tip["source"] in content.sources for tip in content.advice["self_care"])


def test_seed_sources_point_at_real_seed_files(content):
    seeds = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    for source in content.sources.values():
        if source["kind"] == "seed":
            assert (seeds / source["file"]).exists(), source["file"]


def test_symptom_walk_covers_the_required_topics(content):
    ids = {q.id for q in content.symptoms}
    assert {"age", "location", "side", "duration", "quality", "tingling", "worse", "better", "morning_stiffness",
            "limp", "onset"} <= ids
    locations = {o.id for o in content.questions_by_id["location"].options}
    assert locations == {"lower_back", "buttock", "groin", "front_thigh", "outer_hip", "back_thigh", "below_knee", "foot"}


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    return folder


def _edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_every_control_the_content_may_name_is_one_the_dialog_handles():
    assert all(callable(getattr(Dialog, f"_control_{control}", None)) for control in CONTROL_IDS)


@pytest.mark.parametrize("name, old, new, message", [
    ("questions.toml", 'source = "ces_card"', 'source = "made_up_source"', "questions.toml: red_flag[0].source: unknown source 'made_up_source'"),
    ("questions.toml", 'level = "emergency"', 'level = "whenever"', "questions.toml: red_flag[0].level"),
    ("questions.toml", 'reask = "Any new trouble with passing urine or bladder control?"\n', '', "questions.toml: red_flag[0].reask: missing required key"),
    ("questions.toml", 'sign = "new trouble passing urine, or leaking"\n', '', "questions.toml: red_flag[0].sign: missing required key"),
    ("rules.toml", '[unheard]\ncap = "urgent"', '[unheard]\ncap = "asap"', "rules.toml: unheard.cap: unknown level 'asap'"),
    ("rules.toml", 'action.gp = "book an appointment with a doctor"\n', '', "rules.toml: unheard.action.gp: missing required key"),
    ("questions.toml", 'sign = "tingling or numbness in a leg"\n', '', "questions.toml: tingling: a question a rule looks at needs a `sign`"),
    ("rules.toml", 'so to be safe I am counting this: {finding}"\nunheard', 'so to be safe I am counting this"\nunheard', "rules.toml: uncertain_rule.unsure: must contain {sign} and {finding}"),
    ("questions.toml", 'kind = "multi"', 'kind = "essay"', "questions.toml: question[1].kind: unknown kind 'essay'"),
    ("questions.toml", 'sign = "which side hurts"\n', 'sign = "which side hurts"\none_by_one = "Is it here: {option}?"\n', "questions.toml: question[2].one_by_one: only for multi and free questions"),
    ("questions.toml", 'one_by_one = "Did it start like this: {option}?"', 'one_by_one = "Did it start like this?"', "questions.toml: question[12].one_by_one: only for multi and free questions, and must contain {option}"),
    ("questions.toml", '{ question = "age", op = "lt", value = 45 }', '{ question = "shoe_size", op = "lt", value = 45 }', "questions.toml: morning_stiffness.ask_if: unknown question 'shoe_size'"),
    ("rules.toml", 'value = "groin"', 'value = "elbow"', "rules.toml: feature[0]: 'elbow' is not an option of question 'location'"),
    ("rules.toml", 'level = "gp"\n# Tingling or numbness in a leg is never', 'level = "soonish"\n# Tingling or numbness in a leg is never', "rules.toml: leg_nerve: unknown level 'soonish'"),
    ("rules.toml", 'op = "includes"', 'op = "resembles"', "rules.toml: rule[10].when[2].op: unknown op 'resembles'"),
    ("advice.toml", 'suits = ["hip", "muscle"]', 'suits = ["elbow"]', "advice.toml: stretch[7].suits: unknown likely source 'elbow'"),
    ("advice.toml", '  "a leg that is getting weaker, or new numbness in both legs.",\n]\nsource = "ces_card"\n', '  "a leg that is getting weaker, or new numbness in both legs.",\n]\n', "advice.toml: ces_warning.source: missing required key"),
    ("advice.toml", '[explain.sacroiliac]', '[explain.sacro_iliac]', "advice.toml: explain.sacroiliac: missing required table"),
    ("rules.toml", 'label = "Book an appointment"\ntext = "Book an appointment with a doctor or a physiotherapist in the next one to two weeks."\nsource = "nice_ng59"\n', 'label = "Book an appointment"\ntext = "Book an appointment with a doctor or a physiotherapist in the next one to two weeks."\n', "rules.toml: level.gp.source: missing required key"),
    ("vocabulary.toml", "[numbers]", "[numbers\n", "vocabulary.toml: syntax error"),
    ("vocabulary.toml", 'yesno = ["yes", "yeah", "yep"', 'yesno = ["yes", "yeah", "yep", "perchance"', "vocabulary.toml: reask.yesno[3]: 'perchance' is not a phrase of [yesno]"),
    ("vocabulary.toml", "[carriers]", "[spoken_fillers]", "vocabulary.toml: carriers: missing required key"),
    ("vocabulary.toml", "[control_fillers]", "[fillers]", "vocabulary.toml: control_fillers: missing required key"),
    ("vocabulary.toml", "[asking]", "[questions_back]", "vocabulary.toml: asking: missing required key"),
    ("vocabulary.toml", 'weekend = "sunday"', 'weekend = "sundae"', "vocabulary.toml: duration.weekday_words.weekend: 'sundae' is not one of duration.weekdays"),
    ("vocabulary.toml", "\ncloser", "\nending", "vocabulary.toml: asking.closers: missing required key"),
    ("questions.toml", 'no = "under_twenty"', 'no = "under_thirty"', "questions.toml: question[0].step[0].no: unknown step 'under_thirty'"),
    ("questions.toml", 'no = "under_forty"', 'no = "over_fifty"', "questions.toml: question[0].step[0].no: step 'over_fifty' loops back"),
    ("questions.toml", 'yes = { value = 65, text = "sixty-five or older" }', 'yes = { text = "sixty-five or older" }', "questions.toml: question[0].step[1].yes.value: missing required key"),
    ("vocabulary.toml", "\nunsure = [", "\nperhaps = [", "vocabulary.toml: yesno.unsure: missing required key"),
    ("vocabulary.toml", "[number_speech]", "[number_words]", "vocabulary.toml: number_speech: missing required key"),
    ("dialog.toml", "stretch_caution =", "caution =", "dialog.toml: stretch_caution: missing required key"),
    ("summary.toml", "[labels]", "[label]", "summary.toml: labels: missing required key"),
    ("summary.toml", 'gp = "SEE A DOCTOR SOON"\n', "", "summary.toml: headline.gp: missing required key"),
    ("summary.toml", 'question = "limp"', 'question = "shoe_size"', "summary.toml: symptom[11].question: unknown question 'shoe_size'"),
    ("summary.toml", "always = true", 'always = "yes"', "summary.toml: symptom[0].always: expected bool"),
    ("summary.toml", '"November", ', "", "summary.toml: date.months: expected a list of 12 names"),
    ("summary.toml", "{month} {year}", "{month} {yaer}", "summary.toml: date.format: unknown field"),
    ("summary.toml", "{month} {year}", "{month} {year", "summary.toml: date.format: unknown field or bad braces"),
    ("vocabulary.toml", 'joiner = "and"', 'join = "and"', "vocabulary.toml: number_speech.joiner: missing required key"),
    ("vocabulary.toml", "\nseventeen = 17", "", "vocabulary.toml: numbers: no word for 17"),
    ("vocabulary.toml", 'fortnight = "fortnights"', 'moon = "moons"', "vocabulary.toml: duration.plurals.moon: not one of duration.units"),
    ("vocabulary.toml", 'spoken_units = ["day"', 'spoken_units = ["minute"', "vocabulary.toml: duration.spoken_units: 'minute' has no entry"),
    ("vocabulary.toml", "[qualifiers]\n", "[hedges]\n", "vocabulary.toml: qualifiers: missing required key"),
    ("vocabulary.toml", "[plain_answer]\n", "[plain]\n", "vocabulary.toml: plain_answer: missing required key"),
    ("vocabulary.toml", 'faster = ["faster"', 'quicker = ["faster"', "vocabulary.toml: control.quicker: unknown control"),
    ("vocabulary.toml", '\ncontinue = [', '\n# continue = [', "vocabulary.toml: control.continue: missing required key"),
    ("vocabulary.toml", "[typing.spellings]", "[typing.shorthand]", "vocabulary.toml: typing.spellings: missing required key"),
    ("vocabulary.toml", 'range = ["to", "or"]\n', "", "vocabulary.toml: duration.range: missing required key"),
    ("questions.toml", 'ask_again_if = ["leg"', 'ask_again_if = [3, "leg"', "questions.toml: question[1].ask_again_if: expected a list of strings"),
    ("questions.toml", 'typed_synonyms = ["lying on my right side",', 'typed_synonyms = [7, "lying on my right side",', "questions.toml: question[8].option[9].typed_synonyms: expected a list of strings"),
    ("questions.toml", 'pairing_words = ["both"]', 'pairing_words = ["both the"]', "questions.toml: question[2].pairing_words: expected a list of single words"),
    ("questions.toml", 'skip_words = ["left", "right"]', 'skip_words = ["left", "right"]\npairing_words = ["both"]', "questions.toml: question[1].pairing_words: only for choice questions"),
    ("questions.toml", 'several = "both"', 'several = "all"', "questions.toml: question[2].several: only for choice and free questions, and must name option ids"),
    ("questions.toml", '  yes = ["better",', '  perhaps = ["better",', "questions.toml: question[4].means.perhaps: must be yes, no or unsure"),
    ("questions.toml", '  yes = ["can\'t pee",', '  perhaps = ["can\'t pee",', "questions.toml: red_flag[0].typed_means.perhaps: must be yes, no or unsure"),
    ("vocabulary.toml", 'no = ["fine", "all fine"', 'no = ["nope", "all fine"', "vocabulary.toml: typed_yesno.no: 'nope' is already in [yesno]"),
    ("vocabulary.toml", "jan = 1,", "jan = 13,", "vocabulary.toml: duration.dates.months.jan: must be a month number, 1 to 12"),
    ("vocabulary.toml", 'christmas = "12-25"', 'christmas = "12-32"', 'vocabulary.toml: duration.dates.days.christmas: must be "MM-DD"'),
    ("vocabulary.toml", "mid = 15,", "mid = 0,", "vocabulary.toml: duration.dates.parts.mid: must be a day of the month"),
    ("vocabulary.toml", 'summer = ["06-01", "08-31"]', 'summer = ["06-01", "08-32"]', "vocabulary.toml: duration.dates.seasons.summer: must be \"MM-DD\""),
    ("questions.toml", 'phrases = ["heat",', 'phrases = [3, "heat",', "questions.toml: question[9].unlisted: phrases must be"),
    ("vocabulary.toml", "late = [7, 9] }", "late = [7, 10] }", "vocabulary.toml: number_speech.decade_parts.late: must be [first, last] years into a decade"),
    ("vocabulary.toml", 'summer = ["06-01", "08-31"]', 'summer = "06-01"', "vocabulary.toml: duration.dates.seasons.summer: must be [\"MM-DD\", \"MM-DD\"]"),
    ("questions.toml", '"can\'t pee", "cannot pee"', '"can\'t pee", "can\'t pee"', "questions.toml: red_flag[0].typed_means: \"can't pee\" is listed twice"),
])
def test_broken_content_names_file_and_key(content_copy, name, old, new, message):
    _edit(content_copy, name, old, new)
    with pytest.raises(ContentError) as caught:
        load_content(content_copy)
    assert message in str(caught.value)


def test_missing_file_is_named(content_copy):
    (content_copy / "advice.toml").unlink()
    with pytest.raises(ContentError, match="advice.toml: file is missing"):
        load_content(content_copy)


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def test_content_paraphrases_the_seeds_and_copies_no_sentence():
    """No run of eight words in any content file appears in a seed article (source titles are citations)."""
    import tomllib

    from voice_triage.understand import tokens

    seeds = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    size = 8
    seed_runs = set()
    for seed in seeds.glob("*.txt"):
        words = tokens(seed.read_text())
        seed_runs |= {tuple(words[i:i + size]) for i in range(len(words) - size + 1)}
    copied = []
    for path in sorted(set(CONTENT_DIR.glob("*.toml")) - {CONTENT_DIR / "sources.toml"}):
        for text in _strings(tomllib.loads(path.read_text())):
            words = tokens(text)
            copied += [f"{path.name}: {' '.join(words[i:i + size])}" for i in range(len(words) - size + 1)
                       if tuple(words[i:i + size]) in seed_runs]
    assert copied == []


def test_number_and_duration_words_come_from_content(content_copy):
    """A reviewer can add a unit or change how numbers join without touching Python."""
    from voice_triage.understand import Interpreter, vocabulary
    _edit(content_copy, "vocabulary.toml", "units = { hour = 0.0417, day = 1,", "units = { season = 91, hour = 0.0417, day = 1,")
    _edit(content_copy, "vocabulary.toml", "plurals = { hour = ", 'plurals = { season = "seasons", hour = ')
    _edit(content_copy, "vocabulary.toml", 'spoken_units = ["day",', 'spoken_units = ["season", "day",')
    _edit(content_copy, "vocabulary.toml", 'joiner = "and"', 'joiner = "plus"')
    _edit(content_copy, "vocabulary.toml", 'hundred = "a hundred"', 'hundred = "one hundred"')
    content = load_content(content_copy)
    interpreter = Interpreter(content)
    duration, age = content.questions_by_id["duration"], content.questions_by_id["age"]
    assert interpreter.understand(duration, "two seasons").value["days"] == 182
    assert interpreter.understand(duration, "for seasons").value["days"] == 182  # a bare plural counts as two
    assert interpreter.understand(age, "a hundred plus two").value == 102
    assert "three seasons" in vocabulary(interpreter, duration)
    assert "one hundred plus five" in vocabulary(interpreter, age)
