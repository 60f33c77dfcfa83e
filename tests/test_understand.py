"""Answer understanding: tables of phrasings per question kind, negations and controls."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings, strategies as st

from clock import TODAY
from voice_triage.understand import Interpreter, Understanding, tokens, vocabulary


@pytest.fixture(scope="module")
def interpreter(content):
    return Interpreter(content, today=TODAY)


def understood(interpreter, content, question_id, text):
    return interpreter.understand(content.questions_by_id[question_id], text)


@pytest.mark.parametrize("text, value", [
    ("yes", "yes"), ("Yeah.", "yes"), ("yep", "yes"), ("I think so", "yes"), ("yes, I have", "yes"),
    ("I'm afraid so", "yes"), ("uh huh", "yes"), ("sometimes", "yes"),
    ("no", "no"), ("Nope!", "no"), ("not really", "no"), ("not that I've noticed", "no"), ("never", "no"),
    ("I don't think so", "no"), ("no, I haven't", "no"), ("not at all", "no"), ("nah", "no"),
    ("not sure", "unsure"), ("I don't know", "unsure"), ("maybe", "unsure"), ("hard to say", "unsure"),
    ("1", "yes"), ("2", "no"), ("3", "unsure"),
    ("purple elephants", None), ("", None), ("yes and no", None), ("4", None),
])
def test_yes_no_phrasings(interpreter, content, text, value):
    assert understood(interpreter, content, "rf_bladder", text).value == value


@pytest.mark.parametrize("question, text, value", [
    # A "no" with a qualifier is asked again: each of these read as a plain no let a red flag pass
    ("rf_cannot_bear_weight", "I can barely stand", "yes"),  # the question's own typed phrase: the safer reading
    ("rf_cannot_bear_weight", "I can hardly put weight on it", "yes"), ("rf_cannot_bear_weight", "I can barely", None),
    ("rf_bladder", "I can go but I leak", None), ("rf_fever", "no temperature but I feel awful", None),
    ("tingling", "No tingling, but my foot is numb", None),
    ("rf_fever", "yes, but only at night", "yes"),  # a qualified yes stays yes: the safer reading
    # Unsure in longer forms whose first words ("i don't", "i can't") are a no or a yes
    ("rf_bladder", "I don't really know", "unsure"), ("rf_cancer", "I don't recall", "unsure"),
    ("rf_cancer", "I haven't a clue", "unsure"), ("rf_cancer", "I can't remember", "unsure"),
    ("rf_cancer", "can't be sure", "unsure"), ("rf_cancer", "I had breast cancer", "yes"),
    ("rf_cancer", "definitely not", "no"),
    # Typed shorthand and words without their apostrophe
    ("rf_cancer", "y", "yes"), ("rf_cancer", "N", "no"), ("rf_cancer", "dont know", "unsure"),
    ("rf_cancer", "i dont think so", "no"), ("rf_cancer", "idk", "unsure"),
    # The question's own phrases come before the general ones: "it is" alone is a yes
    ("improving", "It is getting worse", "no"), ("improving", "it's not getting better", "no"),
    ("improving", "about the same", "no"), ("improving", "yes, a bit better", "yes"),
    # A general no around the question's own yes is never a yes (it turned the not-improving rule off)
    ("improving", "it isn't getting better", "no"), ("improving", "not much better", "no"),
    ("improving", "I don't think it's getting better", None), ("improving", "no it doesn't feel better", None),
    # A no that describes something is asked again (read as "no", each sent an emergency sign to self-care),
    # unless it is one of the question's own typed phrases (questions.toml typed_means): then it is that answer
    ("rf_bladder", "haven't been able to pee since yesterday", "yes"), ("rf_saddle", "no feeling down there", "yes"),
    ("rf_bladder", "no control over my bladder", "yes"), ("rf_leg_weakness", "not as strong as it was", "yes"),
    ("rf_cannot_bear_weight", "i can only hop", "yes"), ("rf_bladder", "no feeling in my legs", None), ("rf_hot_joint", "no redness, its swollen", None),
    ("rf_night_pain", "it never stops", "yes"), ("tingling", "no numbness, some tingling", None),
    ("rf_bladder", "i don't know when i need to go", "yes"),
    # ... while plain ones still count
    ("rf_bladder", "No, I haven't had any problems like that", "no"), ("rf_bladder", "nope, nothing like that", "no"),
    ("rf_bladder", "no thank you", "no"), ("rf_bladder", "I'm not really sure", "unsure"),
    ("rf_bladder", "yes, I can't feel when it's full", "yes"),
    # Sometimes is a yes; the past is asked again; "can't say I have" is a no (it was a yes, through "i can't")
    ("rf_bladder", "not all the time", "yes"), ("tingling", "not always", "yes"), ("rf_cancer", "not anymore", "yes"),
    ("rf_cancer", "not since 2015", "yes"), ("rf_cancer", "cant say i have", "no"), ("rf_cancer", "yea", "yes"),
    # The tingling question's own words; "better" only at times is not a plain yes
    ("tingling", "pins and needles", "yes"), ("tingling", "numbness in my foot", "yes"), ("tingling", "no tingling", "no"),
    ("tingling", "no numbness, some tingling", None), ("improving", "better when i rest", None),
    # "ok" agrees rather than answers: asked again where yes is the less urgent answer (it was taken as better)
    ("improving", "ok", None), ("improving", "okay", None), ("improving", "ok, yes", "yes"),
])
def test_yes_no_answers_people_type(interpreter, content, question, text, value):
    assert understood(interpreter, content, question, text).value == value


@pytest.mark.parametrize("text, value", [
    ("mostly in my groin and the front of my thigh", ["groin", "front_thigh"]),
    ("lower back", ["lower_back"]),
    ("my lower back and buttock", ["lower_back", "buttock"]),
    ("the back of my thigh and below the knee", ["back_thigh", "below_knee"]),
    ("it goes down the leg into my foot", ["below_knee", "foot"]),
    ("not the groin, just the lower back", ["lower_back"]),
    ("the side of my hip", ["outer_hip"]),
    ("front of my hip", ["groin"]),
    ("1 3", ["lower_back", "groin"]),
    ("everywhere and nowhere", None),
])
def test_location_phrasings(interpreter, content, text, value):
    assert understood(interpreter, content, "location", text).value == value


@pytest.mark.parametrize("question, text, value", [
    ("side", "on the left", "left"), ("side", "right side", "right"), ("side", "both sides", "both"),
    ("side", "in the middle", "middle"), ("side", "2", "right"),
    # Both sides named together mean both (the first named used to win: emergency became gp)
    ("side", "on the left and the right", "both"), ("side", "left leg and right leg", "both"),
    # Other mixes are asked again: "right" is also an everyday word (review: "right in the middle" became both)
    ("side", "the left side mostly, and the right side too", None), ("side", "the right, the left is fine", None),
    ("side", "it's right in the middle", None), ("side", "both, mostly the left", "both"),
    ("location", "lower back and down my legs", ["lower_back", "below_knee"]),
    # Legs without saying which part: asked again (read as the lower back only, new pain in both legs lost its
    # emergency)
    ("location", "back and both legs", None), ("location", "lower back and legs", None),
    ("location", "back of both legs", None),
    ("location", "down both legs", ["below_knee"]), ("location", "the back of my legs", ["back_thigh"]),
    ("worse", "everything", None),  # was read as "nothing"
    # "no" negates only the option right after it: these were read as "nothing" and lost the place
    ("location", "no, my groin", ["groin"]), ("worse", "no, just sitting", ["sitting"]),
    ("better", "no, I find lying down helps", ["lying_down"]), ("location", "no groin pain, only my back", ["lower_back"]),
    ("quality", "a dull ache and stiffness", ["dull_ache", "stiffness"]),
    ("quality", "shooting, electric shocks", ["shooting", "electric"]),
    ("quality", "it burns", ["burning"]),
    ("worse", "putting on my socks and getting out of the car", ["socks", "car"]),
    ("worse", "when I cough or sneeze", ["coughing"]),
    ("worse", "nothing really", []),
    ("worse", "stairs but not walking", ["stairs"]),
    ("better", "leaning forward on a shopping trolley", ["leaning_forward"]),
    ("better", "nothing", []),
    ("onset", "after lifting weights at the gym", "strain"),
    ("onset", "it crept up on me slowly", "gradual"),
    ("onset", "I tripped on the stairs and fell", "fall"),
    ("onset", "it just appeared one morning in spring", "other"),
    # Only a yes answers some other question, so it is asked again (it was kept as a cause, "other"); a plain no
    # may mean nothing started it; beside a cause named, the cause stands
    ("onset", "yes", None), ("onset", "ok", None), ("onset", "yes it did", None), ("onset", "no", "other"),
    ("onset", "yes I fell", "fall"), ("onset", "no, it just came on", "no_reason"), ("onset", "no idea", "unsure"),
])
def test_option_phrasings(interpreter, content, question, text, value):
    assert understood(interpreter, content, question, text).value == value


@pytest.mark.parametrize("text, value", [
    ("64", 64), ("I'm sixty four", 64), ("forty-two years old", 42), ("seventy", 70), ("I am 19", 19),
    ("a hundred", 100), ("old enough", None), ("200", None), ("fourty five", 45), ("over 50", 51), ("50+", 51),
    ("under 20", 19),  # "45-50" is a range for the age steps: test_typed_ages.py
    ("a hundred and two", 102), ("one hundred and ten", 110), ("twenty one", 21),
    # Several different numbers (noise heard as "five thirteen eight") are asked again, never the first taken.
    ("five thirteen eight", None), ("five twelve", None), ("42, 43 next week", None),
    # How long, typed to the age question (the questions come one after the other), is no age: "about 3 weeks"
    # was age 3, under every age line the rules draw. Years are the age's own unit.
    ("about 3 weeks", None), ("twelve months", None), ("since 3 days", None), ("52 years", 52),
    # An age still to come is just below it (typed; stop 48): "I'll be 65" was 65, over the line at sixty-four
    ("I'll be 50 in March", 49), ("I will be 65 in the spring", 64), ("turning 65 soon", 64), ("just turned 65", 65),
])
def test_ages(interpreter, content, text, value):
    assert understood(interpreter, content, "age", text).value == value


@pytest.mark.parametrize("text, days", [
    ("three weeks", 21), ("a couple of months", 60), ("since Tuesday", 5), ("10 days", 10),
    ("since yesterday evening", 1), ("a year", 365), ("eight months", 240), ("nine weeks", 63),
    ("about a month and a half", 45), ("a fortnight", 14), ("two days", 2), ("18 months", 540),
    ("since last Sunday", 7), ("a few days", 3), ("for weeks", 14), ("today", 0),
    # A range is its shorter end (the ends were added up: "a month to six weeks" was 72 days, not new)
    ("a month to six weeks", 30), ("a week to ten days", 7), ("three or four weeks", 21),
    ("three weeks or four weeks", 21), ("up to two weeks", 14), ("two weeks and three days", 17),
    ("four or five days", 4), ("a month or two", 30), ("from two to three weeks", 14),
    ("a year to a year and a half", 365),
    # "to" and "or" between other words are no range (review: "had to take a week off" made two months a week)
    ("I went to the doctor two weeks ago", 14), ("I've been to a doctor or two, about three months", 90),
    # Over or under a count crosses the line a rule draws (six weeks, twelve weeks); typed numbers
    ("less than 6 weeks", 41), ("over 6 weeks", 43), ("almost 12 weeks", 83), ("over the past two weeks", 14),
    ("5-6 weeks", 35), ("6 1/2 weeks", 46), ("2.5 months", 75), ("nearly a month", 29),
    # Fixed phrases holding a unit are not counted word by word, nor over a count given beside them
    ("half a year", 182), ("the day before yesterday", 2), ("a year and a half", 548),
    ("two months, I saw the GP last week", 60), ("since last week", 7),
    # Hours (typed; they were asked again): whole days, so a few hours is today
    ("48 hours", 2), ("a few hours", 0), ("since a couple of hours", 0),
    # How often is no duration, and is left out beside one ("every day for 6 weeks" was 43 days, past the line)
    ("every day for 6 weeks", 42), ("most days for 3 months", 90), ("2 days a week for a month", 30),
    ("every other day for two weeks", 14), ("a week and a day", 8),
    ("it'll be 6 weeks on Monday", 41), ("it will be 3 months tomorrow", 89),  # still to come: just below
])
def test_durations(interpreter, content, text, days):
    value = understood(interpreter, content, "duration", text).value
    assert value["days"] == days


@pytest.mark.parametrize("text", ["every day", "worse every day", "twice a week", "once a month", "every few weeks",
                                  "3 times a day", "every couple of days"])
def test_how_often_is_asked_again(interpreter, content, text):
    """How often, not how long: read as a duration, "every day" was one day of new pain."""
    assert understood(interpreter, content, "duration", text).value is None


def test_unknown_duration(interpreter, content):
    assert understood(interpreter, content, "duration", "a while I suppose").value is None


@pytest.mark.parametrize("text", ["3 weeks, had the same thing 5 years ago", "two months, I had to take a week off work",
                                  "six months, it went from my back to my leg a week ago"])
def test_two_durations_in_separate_words_are_asked_again(interpreter, content, text):
    # They were added up: "3 weeks ... 5 years ago" was 1,846 days, and new pain in both legs lost its emergency
    assert understood(interpreter, content, "duration", text).value is None


@pytest.mark.parametrize("text, control", [
    ("repeat", "repeat"), ("can you repeat that please", "repeat"), ("go back", "back"), ("help", "help"),
    ("stop", "stop"), ("quit", "stop"), ("start over", "restart"), ("slower please", "slower"),
    ("faster", "faster"), ("give me more time", "more_time"), ("continue", "continue"),
])
def test_controls_everywhere(interpreter, content, text, control):
    for question in content.questions:
        assert interpreter.understand(question, text).control == control


@pytest.mark.parametrize("text, value", [("ｎｏ", "no"), ("ＹＥＳ", "yes"), ("Nö", "no"), ("Sí", None)])
def test_full_width_and_accented_letters_are_plain_letters(interpreter, content, text, value):
    # From a phone or an input method, "ｎｏ" was no word at all, and asked again however often it was typed
    assert understood(interpreter, content, "rf_bladder", text).value == value


@pytest.mark.parametrize("question, text", [
    ("rf_bladder", "what do you mean by leak"), ("rf_bladder", "does dribbling count?"),
    ("rf_bladder", "does leaking a little count"), ("rf_bladder", "is a weak stream trouble?"),
    ("rf_bladder", "what if I leak when I sneeze"), ("rf_saddle", "Does tingling count? Is numb the same?"),
    ("rf_bone_fragility", "do steroid inhalers count?"), ("quality", "what do you mean by burning?"),
])
def test_a_question_back_is_explained_and_asked_again(interpreter, content, text, question):
    # Read for its words, each was a yes (emergency advice for "what do you mean by leak") or a value
    assert understood(interpreter, content, question, text) == Understanding(control="help")


@pytest.mark.parametrize("question, text, value", [
    ("rf_bladder", "do you mean leaking? yes", "yes"), ("rf_bladder", "what is a leak? no", None),  # sign and no
    ("rf_bladder", "yes, does that count?", "yes"), ("rf_bladder", "leaking?", "yes"),
    ("rf_night_pain", "is worse at night", "yes"),  # no "?": an answer
    ("rf_bone_fragility", "do inhalers count? I take steroid tablets", "yes"),
])
def test_a_question_beside_an_answer_keeps_the_answer(interpreter, content, question, text, value):
    assert understood(interpreter, content, question, text).value == value


@pytest.mark.parametrize("question, text, in_passing", [
    ("rf_cannot_bear_weight", "I had a cold last week, better now", True),
    ("rf_hot_joint", "it is my back that hurts", True),
    ("rf_cannot_bear_weight", "yes", False), ("rf_cannot_bear_weight", "yes I have", False),
    ("rf_cannot_bear_weight", "I can't stand up at all", False),  # the question's own words
    ("rf_hot_joint", "yes it's swollen", False),
])
def test_a_yes_only_in_passing_is_told_apart(interpreter, content, question, text, in_passing):
    question = content.questions_by_id[question]
    assert interpreter.understand(question, text).value == "yes"
    assert interpreter.yes_in_passing(question, text) is in_passing


def test_an_answer_that_is_an_option_is_not_a_control(interpreter, content):
    # "back" is a control ("go back") and a place; to "Where is the pain?" it undid the age instead
    assert understood(interpreter, content, "location", "back").value == ["lower_back"]
    assert understood(interpreter, content, "location", "go back").control == "back"
    assert understood(interpreter, content, "side", "back").control == "back"


def test_control_words_inside_an_answer_are_answers(interpreter, content):
    result = understood(interpreter, content, "location", "my back")
    assert result.control is None and result.value == ["lower_back"]


def test_vocabulary_lists_answers_and_controls(interpreter, content):
    words = vocabulary(interpreter, content.questions_by_id["side"])
    assert {"left", "both sides", "go back", "repeat"} <= set(words)
    assert "sixty four" in vocabulary(interpreter, content.questions_by_id["age"])
    assert "three weeks" in vocabulary(interpreter, content.questions_by_id["duration"])


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_is_understood_or_rejected_without_error(interpreter, content, text):
    for question in content.questions:
        interpreter.understand(question, text)
    assert all(" " not in word for word in tokens(text))


def test_synonym_groups_hold_phrases_understood_alike(interpreter, content):
    """Recognizers get groups of phrases that mean one answer; no group mixes two answers."""
    from voice_triage.understand import vocabulary
    for qid in ("rf_bladder", "side", "location"):
        question = content.questions_by_id[qid]
        phrases = vocabulary(interpreter, question)
        groups = interpreter.synonyms(question, phrases)
        assert groups and all(len(group) > 1 for group in groups)
        for group in groups:
            meanings = {repr(interpreter.understand(question, p)) for p in group}
            assert len(meanings) == 1, group
    groups = interpreter.synonyms(content.questions_by_id["rf_bladder"], ("no", "nope", "yes", "yeah", "repeat"))
    assert set(map(frozenset, groups)) == {frozenset({"no", "nope"}), frozenset({"yes", "yeah"})}


def test_thats_all_may_be_typed_without_its_apostrophe(interpreter):
    assert interpreter.list_done("thats all") and interpreter.list_done("That's it.")


def test_thats_all_is_never_grouped_with_no(interpreter, content):
    """A list asked one option at a time takes "no others" as the end of the list, "nope" as this option's no:
    a recognizer must not treat them as one answer (at 10 dB a "yes" heard as "no others" ended a list)."""
    from voice_triage.content import Question
    yes_no = Question("confirm", "yesno", "", "")
    phrases = (*interpreter.yesno, *interpreter.vocab["list_done"]["phrases"])
    groups = interpreter.synonyms(yes_no, phrases)
    done = set(interpreter.vocab["list_done"]["phrases"])
    assert done in [set(group) for group in groups]
    assert not any(done & set(group) and "nope" in group for group in groups)


@pytest.mark.parametrize("question, text, value", [
    ("age", "fifty something", None), ("age", "sixty odd", None), ("age", "about 70 or so", None),
    ("age", "fifty five", 55),
    ("location", "upper back", None), ("location", "neck and back", None), ("location", "lower back", ["lower_back"]),
])
def test_rough_ages_and_places_off_the_map_are_asked_again(interpreter, content, question, text, value):
    # "fifty something" read as 50 is not over fifty; "upper back" read as the lower back
    assert understood(interpreter, content, question, text).value == value


@pytest.mark.parametrize("question, text, value", [
    # A question's own typed phrases: describing the sign answers the question
    ("rf_bladder", "i cant pee", "yes"), ("rf_leg_weakness", "my foot drags", "yes"),
    ("rf_night_pain", "wakes me up", "yes"), ("rf_cannot_bear_weight", "no i can walk fine", "no"),
    ("rf_saddle", "no, feels normal", "no"), ("rf_weight_loss", "i haven't lost any weight", "no"),
    # ... negated, it is asked again, never taken as the opposite
    ("rf_saddle", "it doesn't feel normal", None), ("rf_leg_weakness", "i don't feel weak", None),
    # A warning sign with a general yes against its own no is asked again
    ("rf_cancer", "yes, thank god it's gone", None), ("rf_cannot_bear_weight", "yes i can walk", None),
    # Typed-only general phrases ([typed_yesno]) and shorthand
    ("rf_fever", "all fine thx", "no"), ("rf_bowel", "ya", "yes"), ("rf_saddle", "on and off", "yes"),
    ("rf_bowel", "not normal", "yes"), ("rf_sexual", "couldnt tell you", "unsure"),
    ("duration", "3wks", {"days": 21}), ("duration", "2yrs", {"days": 730}), ("duration", "ages", None),
    # An option with "doesn't help" after it is not named; a negated fall is not a fall
    ("better", "lying down doesn't help", None), ("worse", "sitting, walking doesn't bother it", ["sitting"]),
    ("onset", "i didn't fall, i lifted something", "strain"), ("onset", "slipped a disc", "other"),
    ("better", "dunno", None),
])
def test_typed_descriptions_and_shorthand(interpreter, content, question, text, value):
    got = understood(interpreter, content, question, text).value
    assert (got if not isinstance(got, dict) else {"days": got["days"]}) == value


def test_typed_only_phrases_stay_out_of_every_recognizer_grammar(interpreter, content):
    # Spoken, each extra phrase is one more thing noise can be heard as: typed phrases never reach a grammar
    spoken = set(interpreter.spoken_yesno)
    typed_only = {phrase for phrase in interpreter.yesno if phrase not in spoken}
    assert typed_only
    for question in content.questions:
        if question.kind == "yesno":
            grammar = set(vocabulary(interpreter, question))
            own_spoken = {phrase for phrase, _ in question.means} | spoken
            own_typed = {phrase for phrase, _ in question.typed_means}
            assert not (typed_only | own_typed) - own_spoken & grammar, question.id


@pytest.mark.parametrize("question, said", [("worse", "i don't know"), ("better", "dunno"), ("duration", "for ages"),
                                           ("duration", "a long time")])
def test_unclear_answers_are_heard_but_asked_again(interpreter, content, question, said):
    # In the grammar, or a recognizer forces them onto an option ("for ages" heard as "four days"); asked again,
    # since "don't know" is not "nothing" and "ages" is not a year
    assert said in vocabulary(interpreter, content.questions_by_id[question])
    assert understood(interpreter, content, question, said).value is None


@pytest.mark.parametrize("question, text, value", [
    # A comma ends a clause: a "no" before it answers the question, not the option after it
    ("worse", "no, sitting", ["sitting"]), ("worse", "not really, sitting", ["sitting"]), ("worse", "no sitting", []),
    ("rf_leg_numbness", "no, feeling is normal", "no"),  # was "no feeling": a yes
    ("location", "not in the groin, lower back", ["lower_back"]), ("location", "lower back, not in my buttock", ["lower_back"]),
    ("duration", "2.5 weeks", 18),  # the point of a decimal is no clause break
])
def test_a_comma_ends_a_clause(interpreter, content, question, text, value):
    got = understood(interpreter, content, question, text).value
    assert (got["days"] if isinstance(got, dict) else got) == value


@pytest.mark.parametrize("text, days", [
    # Typed dates, counted from Wednesday 25 November 2026 to the latest day the words can mean
    ("since August", 86), ("since the 3rd of October", 53), ("since 2 nov", 23), ("since 1st November", 24),
    ("since July 4th", 144), ("since mid October", 41), ("since early october", 46), ("since the 18th", 7),
    ("since the 30th", 26), ("since December", 329), ("since Christmas", 335), ("since August 2025", 451),
    ("it may be 3 weeks", 21),  # "may" without "since" or "in" before it is no month
])
def test_typed_dates(content, text, days):
    interpreter = Interpreter(content, today=dt.date(2026, 11, 25))
    assert interpreter.understand(content.questions_by_id["duration"], text).value["days"] == days


@pytest.mark.parametrize("text, days", [
    # Seasons and years, from Wednesday 25 November 2026: were asked again
    ("since 2019", 2521), ("in 2025", 329), ("since the summer", 86), ("since last summer", 86),
    ("since the summer of 2024", 816), ("since spring", 178), ("since the winter", 270),
    ("since last winter", 270), ("since winter 2024", 635),  # winter 2024 ends in February 2025
    ("since autumn", 0),  # still under way: the latest day it can mean is today, as "since November"
    ("since 2026", None), ("since 2027", None), ("since the summer of 2027", None),  # this year alone; to come
    ("I hurt it last summer", None), ("2019", 2521), ("since last october", 25),
])
def test_seasons_and_years(content, text, days):
    interpreter = Interpreter(content, today=dt.date(2026, 11, 25))
    value = interpreter.understand(content.questions_by_id["duration"], text).value
    assert (value["days"] if value else None) == days


def test_a_date_to_come_is_not_a_duration(content):
    interpreter = Interpreter(content, today=dt.date(2026, 11, 25))
    assert interpreter.understand(content.questions_by_id["duration"], "since 3 December 2026").value is None


@pytest.mark.parametrize("question, text, value", [
    # Found by an adversarial review (tests/corpus/typed_answers_adversarial.toml): each was read less urgently
    ("rf_saddle", "it's not normal", None), ("rf_fever", "I haven't been well", None),
    ("rf_bladder", "nothing is fine", None),                         # all is well, negated
    ("rf_cannot_bear_weight", "I don't think I can stand", None),     # its own no, negated far back
    ("rf_cannot_bear_weight", "no way I can walk", None), ("rf_cannot_bear_weight", "not sure I can stand", None),
    ("rf_leg_numbness", "I can feel nothing", "yes"), ("rf_bladder", "can't say I haven't", "yes"),
    ("improving", "better with painkillers", None), ("improving", "barely better", None),
    ("improving", "can't say it's getting better", None),           # a yes is the less urgent answer here
    ("better", "nothing except moving about", ["moving"]), ("side", "not just the left, the right too", None),
    ("better", "moving about helps, lying down doesn't", ["moving"]), ("rf_trauma", "slipped disc", None),
    # ... while plain answers keep their meaning
    ("rf_fever", "no, I'm fine", "no"), ("rf_bladder", "no all fine", "no"), ("improving", "improving slowly", "yes"),
    ("rf_cannot_bear_weight", "no i can walk fine", "no"), ("rf_cannot_bear_weight", "I can barely stand", "yes"),
])
def test_negated_states_and_own_phrases_are_asked_again(interpreter, content, question, text, value):
    assert understood(interpreter, content, question, text).value == value


@pytest.mark.parametrize("text, days", [
    # Found in review: this month was read as last year's (360 days), a date beat a count, "the 0th" crashed
    ("since November", 0), ("since late November", 0), ("since mid November", 10), ("in nov", 0),
    ("since the 30th of November", None),   # a day of this month still to come: asked again
    ("3 days, had the same in may", None), ("about 2 weeks, I was on holiday in august", None),
    ("2 weeks, since i may have pulled it", 14), ("august", 86),
    ("since the 0th", None), ("since christmas 2024", 700),
    # A fixed day's name is no count: "since new year" was asked again ("year" counted too), and "since new years
    # day" was two years and a day
    ("since new year", 328), ("since new years day", 328), ("since new year's day", 328), ("a year", 365),
])
def test_dates_found_in_review(content, text, days):
    interpreter = Interpreter(content, today=dt.date(2026, 11, 25))
    value = interpreter.understand(content.questions_by_id["duration"], text).value
    assert (value["days"] if value else None) == days


@pytest.mark.parametrize("question, text, value", [
    ("better", "nothing, except moving about", ["moving"]), ("worse", "no, apart from coughing", ["coughing"]),
    ("rf_weight_loss", "not much", None), ("rf_cancer", "I'm fine now", None), ("rf_bladder", "it's fine now", None),
    # Spoken answers have no commas: a "not" inside "not really" is no negation of the option after it
    ("worse", "not really just coughing", ["coughing"]), ("better", "not really and moving", ["moving"]),
    ("location", "not really the groin", ["groin"]),
])
def test_options_and_qualifiers_found_in_review(interpreter, content, question, text, value):
    assert understood(interpreter, content, question, text).value == value


@pytest.mark.parametrize(("typed", "text"), [
    ("since august", "since August"), ("since the 3rd of october", "since the 3rd of October"),
    ("since mid sept", "since mid Sept"), ("since christmas", "since Christmas"),
    ("since new year's day", "since New Year's Day"), ("since tuesday", "since Tuesday"),
    ("3 nights", "3 nights"), ("in may", "in May"),
])
def test_names_of_days_and_months_are_capitalised_in_a_duration(interpreter, content, typed, text):
    assert interpreter.understand(content.questions_by_id["duration"], typed).value["text"] == text


@pytest.mark.parametrize("text, span", [
    ("in my fifties", [50, 59]), ("late forties", [47, 49]), ("I'm in my 60s", [60, 69]), ("mid 60's", [63, 67]),
    ("early twenties", [20, 23]), ("in my teens", [10, 19]),
    ("fifties, 54", None), ("fifty something", None), ("forties or fifties", None),  # a number; rough; two decades
    # A birth year (stop 47; asked again before): "born in 1961" straddles 65, so "Are you sixty-five or older?"
    # settles it (TODAY is in 2026)
    ("born in 1966", [59, 60]), ("1961", [64, 65]), ("I was born in 1976", [49, 50]), ("born 2010", [15, 16]),
    ("58", None), ("1900", None), ("born 1966 or 1967", None), ("born in 1966, so 60", None),
    # After a birth word (stop 48), two figures are a year ("born in 61" was an age of 61), and a day and a month
    # beside the year are left out ("dob 30/12/1955" was asked again)
    ("born in 61", [64, 65]), ("born in '05", [20, 21]), ("dob 30/12/1955", [70, 71]),
    ("born 12th March 1948", [77, 78]), ("61", None), ("born on the 3rd", None),
])
def test_a_typed_decade_or_birth_year_is_a_range_for_the_age_steps(interpreter, content, text, span):
    value = understood(interpreter, content, "age", text).value
    if span is None:
        assert not (isinstance(value, dict) and "between" in value)
    else:
        assert value == {"between": span, "text": " ".join(interpreter.clause_words(text))}


@pytest.mark.parametrize("text, days", [
    ("since the weekend", 7), ("over the weekend", 7), ("since Tuesday", 5),  # TODAY is a Sunday: last week's
    ("it started on a Monday about 3 weeks ago", 21), ("I've had it 3 weeks but it got worse on Monday", 21),
    ("since a Monday in August", (TODAY - dt.date(2026, 8, 31)).days), ("since Tuesday the 3rd", 19),
])
def test_a_weekday_beside_a_count_or_a_date_only_says_which_day(interpreter, content, text, days):
    # "on a Monday about 3 weeks ago" was 6 days (since Monday); "since the weekend" was asked again. It is since
    # Sunday, and on a Sunday, as "since Sunday" is, last week's (no rule draws a line under six weeks)
    assert understood(interpreter, content, "duration", text).value["days"] == days


@pytest.mark.parametrize("text, value", [
    ("lying on my right side", ["lying_side"]), ("lying on it", ["lying_side"]),
    ("getting up after sitting", ["standing"]), ("sitting, and getting up from a chair", ["sitting", "standing"]),
])
def test_typed_synonyms_are_read_but_never_heard(interpreter, content, text, value):
    # "getting up after sitting" was read as sitting; "lying on my right side" was asked again
    assert understood(interpreter, content, "worse", text).value == value
    assert text not in vocabulary(interpreter, content.questions_by_id["worse"])
