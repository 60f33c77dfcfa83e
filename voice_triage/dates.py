"""Days since a date named in an answer: "since August", "since the 3rd of October", "since mid October",
"since Christmas", "since the summer", "since 2019". The latest day the words can mean is taken, since newer pain is
the more urgent reading."""
from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

DAY_OF_MONTH = re.compile(r"^(\d{1,2})(st|nd|rd|th)?$")
YEAR = re.compile(r"^(19|20)\d\d$")
LAST_DAY = 31  # a month named alone: its last day (capped to the month's length), the latest it can mean


def days_since_date(words: list[str], today: dt.date, dates: dict[str, Any]) -> int | None:
    """Days from the date the words name to `today`, or None when they name none, a day still to come, or a day
    of this month later than today ("since the 30th of November" on the 25th: a slip, or last year? asked again).

    `dates` is vocabulary.toml [duration.dates]: month names, the day a part of a month stands for ("mid" is
    the 15th), fixed days ("christmas" = "12-25"), the words that lead to a month ("since", "in"...; a month
    with anything else right before it, as in "I may have", is no date) and the words skipped on the way.
    """
    if any(word in dates["months"] and _led_to(words, index, dates) for index, word in enumerate(words)):
        day = _named_day(words, today, dates) or _month_day(words, today, dates)  # no day-of-month fallback
    else:
        day = (_named_day(words, today, dates) or _season_day(words, today, dates) or _day_of_this_month(words, today)
               or _year_day(words, today, dates))
    if day is None or day > today:
        return None
    return (today - day).days


def named_days(words: list[str], dates: dict[str, Any]) -> list[tuple[int, int, str]]:
    """(start, end, "month-day") of each fixed day named in the words ("since christmas"), in content order."""
    found = []
    for name, month_day in dates["days"].items():
        key = name.split()
        found += [(index, index + len(key), month_day) for index in range(len(words) - len(key) + 1)
                  if words[index:index + len(key)] == key]
    return found


def without_named_days(words: list[str], dates: dict[str, Any]) -> list[str]:
    """The words less any fixed day's name, whose words are no count: "since new year" is not "a year"."""
    kept = list(words)
    for start, end, _ in named_days(words, dates):
        kept[start:end] = [""] * (end - start)
    return [word for word in kept if word]


def with_capitals(words: list[str], weekdays: list[str], dates: dict[str, Any]) -> list[str]:
    """The words with the names of days, months and fixed days capitalised, for the read-back and the summary
    ("since August", "since Christmas"); a month word only where it counts as one ("I may have" stays)."""
    written = list(words)
    for index, word in enumerate(words):
        if word in weekdays or (word in dates["months"] and _led_to(words, index, dates)):
            written[index] = word.capitalize()
    for start, end, _ in named_days(words, dates):
        written[start:end] = [part.capitalize() for part in words[start:end]]
    return written


def _named_day(words: list[str], today: dt.date, dates: dict[str, Any]) -> dt.date | None:
    """A fixed day of the year ("christmas"), its last time before today, or in the year named after it."""
    for _, end, month_day in named_days(words, dates):
        month, day = _month_and_day(month_day)
        year = _year_near(words, end - 1)
        return dt.date(year, month, day) if year else _last_before(today, month, day)
    return None


def _month_day(words: list[str], today: dt.date, dates: dict[str, Any]) -> dt.date | None:
    """A month led to by one of the `after` words, with its day, part ("mid") and year if given."""
    months, parts = dates["months"], dates["parts"]
    for index, word in enumerate(words):
        if word not in months or not _led_to(words, index, dates):
            continue
        month, year = months[word], _year_near(words, index)
        day = _day_near(words, index, dates["skip"])
        if day is None:  # "since mid October", "since October": the latest day of that part, or of this month so far
            day = next((parts[w] for w in words[max(0, index - 3):index] if w in parts), LAST_DAY)
            if month == today.month and year is None:
                day = min(day, today.day)
        elif month == today.month and year is None and day > today.day:
            return None
        if year is not None:
            return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))
        return _last_before(today, month, day)
    return None


def _season_day(words: list[str], today: dt.date, dates: dict[str, Any]) -> dt.date | None:
    """A season led to by one of the `after` words ("since the summer", "since last winter", "in the summer of
    2025"): its last day, or today while it is still under way; the latest it was, or the one of the year named."""
    for index, word in enumerate(words):
        if word not in dates["seasons"] or not _led_to(words, index, dates):
            continue
        (start_month, start_day), (end_month, end_day) = (_month_and_day(d) for d in dates["seasons"][word])
        named_year = _year_near(words, index)
        for year in ([named_year] if named_year else [today.year, today.year - 1]):
            start = dt.date(year, start_month, start_day)
            end_year = year + 1 if (end_month, end_day) < (start_month, start_day) else year  # winter: into the next
            if start <= today:  # "02-29" ends winter on the 28th when February has no 29th
                last_day = min(end_day, calendar.monthrange(end_year, end_month)[1])
                return min(today, dt.date(end_year, end_month, last_day))
        return None
    return None


def _year_day(words: list[str], today: dt.date, dates: dict[str, Any]) -> dt.date | None:
    """A past year alone, led to by one of the `after` words ("since 2019"): its last day. This year's is None:
    "since 2026" may mean any day of it, so it is asked again rather than taken as today."""
    for index, word in enumerate(words):
        if YEAR.match(word) and _led_to(words, index, dates) and int(word) < today.year:
            return dt.date(int(word), 12, 31)
    return None


def _month_and_day(month_day: str) -> tuple[int, int]:
    """ "MM-DD" as (month, day)."""
    month, day = (int(part) for part in month_day.split("-"))
    return month, day


def _led_to(words: list[str], index: int, dates: dict[str, Any]) -> bool:
    """Whether the month (season, year) at `index` starts the answer or follows a lead word, over days, parts and
    fillers ("since the 3rd of October", "since early October", "since last summer"); "I may have" is no month."""
    skippable = set(dates["skip"]) | set(dates["parts"])
    back = index - 1
    while back >= 0 and (words[back] in skippable or DAY_OF_MONTH.match(words[back])):
        back -= 1
    return back < 0 or words[back] in dates["after"]


def _day_of_this_month(words: list[str], today: dt.date) -> dt.date | None:
    """ "since the 18th": this month's, or last month's when that day is still to come."""
    for index, word in enumerate(words):
        match = DAY_OF_MONTH.match(word)
        if not (match and match.group(2) and words[index - 1:index] == ["the"]):
            continue
        day = int(match.group(1))
        month_back = today.replace(day=1) - dt.timedelta(days=1) if day > today.day else today
        if 1 <= day <= calendar.monthrange(month_back.year, month_back.month)[1]:
            return month_back.replace(day=day)
    return None


def _day_near(words: list[str], index: int, skip: list[str]) -> int | None:
    """A day of the month right before the month ("3rd of October", "2 Nov") or right after it ("July 4th")."""
    before = [w for w in words[max(0, index - 3):index] if w not in skip][-1:]
    for word in before + words[index + 1:index + 2]:
        match = DAY_OF_MONTH.match(word)
        if match and 1 <= int(match.group(1)) <= 31:
            return int(match.group(1))
    return None


def _year_near(words: list[str], index: int) -> int | None:
    """A year within two words after the month or day ("August 2025", "Christmas 2024")."""
    return next((int(w) for w in words[index + 1:index + 3] if YEAR.match(w)), None)


def _last_before(today: dt.date, month: int, day: int) -> dt.date:
    """The day of this month and day of the month most recently on or before today (last year's if later)."""
    year = today.year if (month, day) <= (today.month, today.day) else today.year - 1
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))
