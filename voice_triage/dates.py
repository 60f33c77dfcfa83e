"""Days since a date named in an answer: "since August", "since the 3rd of October", "since mid October",
"since Christmas". The latest day the words can mean is taken, since newer pain is the more urgent reading."""
from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

DAY_OF_MONTH = re.compile(r"^(\d{1,2})(st|nd|rd|th)?$")
YEAR = re.compile(r"^(19|20)\d\d$")


def days_since_date(words: list[str], today: dt.date, dates: dict[str, Any]) -> int | None:
    """Days from the date the words name to `today`, or None when they name none (or one in the future).

    `dates` is vocabulary.toml [duration.dates]: month names, the day a part of a month stands for
    ("mid" is the 15th), fixed days ("christmas" = "12-25"), and the words that must come before a month
    ("since", "in"...), so that "it may be" is no date.
    """
    day = _named_day(words, today, dates) or _month_day(words, today, dates) or _day_of_this_month(words, today)
    if day is None or day > today:
        return None
    return (today - day).days


def _named_day(words: list[str], today: dt.date, dates: dict[str, Any]) -> dt.date | None:
    """A fixed day of the year ("christmas"), its last time before today."""
    text = " ".join(words)
    for name, month_day in dates["days"].items():
        if re.search(rf"\b{re.escape(name)}\b", text):
            month, day = (int(part) for part in month_day.split("-"))
            return _last_before(today, month, day)
    return None


def _month_day(words: list[str], today: dt.date, dates: dict[str, Any]) -> dt.date | None:
    """A month after one of the words that lead to a date, with its day, part ("mid") and year if given."""
    months, parts, lead = dates["months"], dates["parts"], set(dates["after"])
    for index, word in enumerate(words):
        if word not in months or not lead & set(words[max(0, index - 3):index]):
            continue
        month = months[word]
        year = _year_near(words, index)
        day = _day_near(words, index)
        if day is None:
            part = next((parts[w] for w in words[max(0, index - 3):index] if w in parts), 31)
            day = part  # a month alone: its last day, the latest the words can mean
        if year is None:
            return _last_before(today, month, day)
        return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))
    return None


def _day_of_this_month(words: list[str], today: dt.date) -> dt.date | None:
    """ "since the 18th": this month's, or last month's when that day is still to come."""
    for index, word in enumerate(words):
        match = DAY_OF_MONTH.match(word)
        if match and match.group(2) and words[index - 1:index] == ["the"]:
            day = int(match.group(1))
            month_back = today.replace(day=1) - dt.timedelta(days=1) if day > today.day else today
            if day <= calendar.monthrange(month_back.year, month_back.month)[1]:
                return month_back.replace(day=day)
    return None


def _day_near(words: list[str], index: int) -> int | None:
    """A day of the month right before the month ("3rd of October", "2 Nov") or right after it ("July 4th")."""
    before = [w for w in words[max(0, index - 3):index] if w not in ("of", "the")][-1:]
    for word in before + words[index + 1:index + 2]:
        match = DAY_OF_MONTH.match(word)
        if match and 1 <= int(match.group(1)) <= 31:
            return int(match.group(1))
    return None


def _year_near(words: list[str], index: int) -> int | None:
    """A year within two words after the month ("August 2025")."""
    return next((int(w) for w in words[index + 1:index + 3] if YEAR.match(w)), None)


def _last_before(today: dt.date, month: int, day: int) -> dt.date:
    """The day of this month and day of the month most recently on or before today (last year's if later)."""
    year = today.year if (month, day) <= (today.month, today.day) else today.year - 1
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))
