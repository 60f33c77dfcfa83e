"""The typed-answer corpora (tests/corpus/*.toml): no answer is read less urgently than it means."""
from __future__ import annotations

import re

import pytest

from typed_corpus import CORPORA, levels_reached, less_urgent, load_corpus, read_all


@pytest.fixture(scope="module")
def readings(content):
    return [reading for path in CORPORA for reading in read_all(content, path)]


def test_the_corpora_are_large_and_cover_every_question(content, readings):
    assert len(CORPORA) >= 3 and len(readings) > 3000  # the main one, one written blind, one adversarial
    assert {reading.case.question for reading in readings} == {question.id for question in content.questions}


def test_no_typed_answer_is_read_less_urgently_than_it_means(readings):
    # A misreading may cost a question asked again, or a more urgent outcome; never a less urgent one.
    unsafe = [f"{r.case.question}: {r.case.typed!r} meant {r.case.meant!r}, read {r.read!r} ({', '.join(r.less_urgent_on)})"
              for r in readings if r.less_urgent_on]
    assert unsafe == []


def test_a_warning_sign_answer_is_only_ever_misread_as_yes(readings):
    # "I have a stoma" to the bowel question is read as yes: the safe side of a question that cannot be settled
    misread = [(r.case.question, r.case.typed, r.read) for r in readings
               if r.verdict == "misread" and r.case.question.startswith("rf_") and r.read != "yes"]
    assert misread == []


@pytest.mark.parametrize("question, meant, read, lost", [
    ("rf_bladder", "yes", "no", ("rf_bladder",)),
    ("rf_bladder", "yes", "unsure", ("rf_bladder",)),      # "not sure" is capped below emergency
    ("rf_bladder", "no", "yes", ()),                       # more urgent is not less urgent
    ("side", "left", "both", ()),                          # loses the one-leg finding, reaches the both-legs one
    ("duration", (0, 41), {"days": 42}, ("bilateral_nerve_new",)),
    ("age", "ask again", 50, ("age_new_pain",)),           # a guess drops the cap an unclear answer keeps
    ("location", ["lower_back", "below_knee"], ["lower_back"], ("bilateral_nerve_new",)),
])
def test_less_urgent_names_the_findings_a_misreading_loses(content, question, meant, read, lost):
    assert set(lost) <= set(less_urgent(content, question, meant, read))
    if not lost:
        assert less_urgent(content, question, meant, read) == ()


def test_levels_reached_by_a_red_flag_answer(content):
    assert levels_reached(content, "rf_bladder", "yes")["rf_bladder"] == "emergency"
    assert "rf_bladder" not in levels_reached(content, "rf_bladder", "no")


@pytest.mark.parametrize("table, message", [
    ('question = "nowhere"\nmeans = "yes"', "no question 'nowhere'"),
    ('question = "side"\nmeans = "up"', "'up' is not an answer to side"),
    ('question = "age"\ndays = [1, 2]', "days = [lowest, highest] is for duration questions"),
    ('question = "onset"\nmeans = "ask again"', "'ask again' is not an answer to onset"),
])
def test_a_wrong_corpus_entry_is_named(content, tmp_path, table, message):
    path = tmp_path / "corpus.toml"
    path.write_text(f'today = 2026-11-25\n[[answers]]\n{table}\ntyped = ["x"]\n')
    with pytest.raises(ValueError, match=re.escape(message)):
        load_corpus(content, path)

