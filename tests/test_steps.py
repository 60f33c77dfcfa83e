"""Ages and durations narrowed down by yes/no steps: the value a band counts as is on its safe side."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from voice_triage.assessment import assess, rank
from voice_triage.content import ContentError, bands, in_band, load_content
from voice_triage.steps import settled_value

CONTENT = load_content()
STEPPED = [q for q in CONTENT.questions if q.steps]
LIMIT = {"number": 120, "duration": 3650}  # ages in years, durations in days


def exact_value(question, number: int):
    return {"days": number, "text": f"{number} days"} if question.kind == "duration" else number


@st.composite
def other_answers(draw) -> dict:
    """A full set of answers with every warning sign "no" (a sign would decide the outcome on its own)."""
    answers = {}
    for q in CONTENT.questions:
        if q.kind == "yesno":
            answers[q.id] = "no" if q.is_red_flag else draw(st.sampled_from(["yes", "no", "unsure"]))
        elif q.kind == "multi":
            answers[q.id] = draw(st.lists(st.sampled_from([o.id for o in q.options]), unique=True, max_size=4))
        elif q.kind == "choice":
            answers[q.id] = draw(st.sampled_from([o.id for o in q.options]))
        elif q.kind == "free":  # a free answer that names an option is recorded as that option's id
            answers[q.id] = draw(st.sampled_from([o.id for o in q.options] + ["other"]))
        else:
            answers[q.id] = exact_value(q, draw(st.integers(0, LIMIT[q.kind])))
    return answers


def test_the_content_has_steps_for_age_and_duration() -> None:
    assert {q.id for q in STEPPED} == {"age", "duration"}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers=other_answers(), data=st.data())
def test_a_band_is_never_less_urgent_than_any_number_in_it(answers, data) -> None:
    for question in STEPPED:
        for tests, end in bands(question.steps):
            members = [n for n in range(LIMIT[question.kind] + 1) if in_band(n, tests)]
            number = data.draw(st.sampled_from(members))
            exact = assess(CONTENT, {**answers, question.id: exact_value(question, number)}).disposition
            banded = assess(CONTENT, {**answers, question.id: settled_value(question, end)}).disposition
            assert rank(banded) <= rank(exact), f"{question.id}: {end.text!r} ({end.value}) vs {number}"


def test_every_number_falls_in_exactly_one_band() -> None:
    for question in STEPPED:
        for number in range(LIMIT[question.kind] + 1):
            assert sum(in_band(number, tests) for tests, _ in bands(question.steps)) == 1


def test_a_value_outside_its_band_is_refused(tmp_path) -> None:
    import shutil
    from voice_triage.content import CONTENT_DIR
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    path = folder / "questions.toml"
    path.write_text(path.read_text().replace('no = { value = 51, text = "fifty-one to sixty-four" }',
                                             'no = { value = 45, text = "fifty-one to sixty-four" }'))
    with pytest.raises(ContentError, match="value 45 .'fifty-one to sixty-four'. does not answer the steps"):
        load_content(folder)
