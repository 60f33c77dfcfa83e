"""Standardized patients: every vignette played through `voice-triage --jsonl` by the patient driver."""
from __future__ import annotations

import pytest

from patient import OWN_VIGNETTES, PUBLIC_VIGNETTES, load_cases, play

PUBLIC = load_cases(PUBLIC_VIGNETTES)
OWN = load_cases(OWN_VIGNETTES) if OWN_VIGNETTES.exists() else []


@pytest.fixture(scope="module")
def public_outcomes():
    return [play(case, seed=index)[0] for index, case in enumerate(PUBLIC)]


@pytest.fixture(scope="module")
def own_outcomes():
    return [play(case, seed=index)[0] for index, case in enumerate(OWN)]


def test_public_emergencies_are_emergencies(public_outcomes):
    assert all(o.got == "emergency" for o in public_outcomes if o.gold == "emergency")


def test_public_no_under_triage(public_outcomes):
    assert [o.case_id for o in public_outcomes if o.under_triaged] == []


def test_public_at_least_11_of_12_exact(public_outcomes):
    assert len(public_outcomes) == 12
    assert sum(o.exact for o in public_outcomes) >= 11


def test_public_likely_source_mostly_right(public_outcomes):
    assert sum(o.source_ok for o in public_outcomes) >= 11


def test_own_vignettes_exist_with_sources():
    assert len(OWN) >= 20
    assert all(case.get("reference") for case in OWN)


def test_own_no_under_triage_and_emergencies_exact(own_outcomes):
    assert [o.case_id for o in own_outcomes if o.under_triaged] == []
    assert all(o.got == "emergency" for o in own_outcomes if o.gold == "emergency")


@pytest.mark.parametrize("seed", [101, 202])
def test_public_results_hold_with_other_phrasings(seed):
    outcomes = [play(case, seed=seed + index)[0] for index, case in enumerate(PUBLIC)]
    assert [o.case_id for o in outcomes if o.under_triaged] == []
    assert sum(o.exact for o in outcomes) >= 11
