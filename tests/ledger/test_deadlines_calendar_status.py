from datetime import date

import pytest

from luoshi.ledger.deadlines import excel_date, parse_deadline
from luoshi.ledger.status import PRESETS, TaskState, compute_status
from luoshi.ledger.workdays import CalendarOutOfRange, backward_schedule, is_workday, shift_workdays


@pytest.mark.parametrize(
    ("text", "kind", "when"),
    [
        ("2021年12月底前", "date", date(2021, 12, 31)),
        ("2022年6月", "date", date(2022, 6, 30)),
        ("2022年6月30日", "date", date(2022, 6, 30)),
        ("2024-09-25", "date", date(2024, 9, 25)),
        ("年底前", "date", date(2026, 12, 31)),
        ("6月底前", "date", date(2026, 6, 30)),
        ("2023年", "date", date(2023, 12, 31)),
        ("2023年底", "date", date(2023, 12, 31)),
        ("2025年前", "date", date(2025, 12, 31)),  # "X前" allows X, as "2017年5月30日前" allows that day
        ("5月31日前", "date", date(2026, 5, 31)),
        ("明年第一季内", "date", date(2027, 3, 31)),
        ("今年第三季结束前", "date", date(2026, 9, 30)),
        ("上半年", "date", date(2026, 6, 30)),
        ("年内", "date", date(2026, 12, 31)),
        ("第三季度", "date", date(2026, 9, 30)),
        ("三季度末", "date", date(2026, 9, 30)),
        ("力争明年", "date", date(2027, 12, 31)),
        ("2024年3月中旬", "date", date(2024, 3, 20)),
        ("二〇二五年六月底前", "date", date(2025, 6, 30)),
        ("2026年6月底前完成", "date", date(2026, 6, 30)),
        ("每季度", "recurring", None),
        ("每月", "recurring", None),
        ("長期堅持", "ongoing", None),
        ("持续推进", "ongoing", None),
        ("", "none", None),
        ("待定", "none", None),
    ],
)
def test_deadline_phrasings(text, kind, when):
    d = parse_deadline(text, 2026)
    assert (d.kind, d.date) == (kind, when)
    assert d.text == text  # the original wording is kept


def test_excel_serial_dates():
    assert excel_date(45292) == date(2024, 1, 1)
    assert excel_date("2024年") is None


def test_spring_festival_and_make_up_working_days():
    assert is_workday(date(2026, 2, 14))  # a Saturday worked to make up for the holiday
    assert not is_workday(date(2026, 2, 17))  # Spring Festival
    assert not is_workday(date(2026, 2, 23))  # a Monday inside the holiday
    assert is_workday(date(2026, 2, 28))  # another make-up Saturday
    # Two working days after 13 Feb: the 14th (make-up), then the 24th (holiday skipped).
    assert shift_workdays(date(2026, 2, 13), 2) == date(2026, 2, 24)
    # Three working days before 26 Feb: 25th, 24th, then back across the holiday to the 14th.
    assert shift_workdays(date(2026, 2, 26), -3) == date(2026, 2, 14)


def test_backward_schedule_from_a_deadline_on_a_holiday():
    dates = backward_schedule(date(2026, 2, 20), {"报批": 0, "征求意见": 2})
    assert dates["报批"] == date(2026, 2, 14)  # the last working day on or before the deadline
    assert dates["征求意见"] == date(2026, 2, 12)


@pytest.fixture
def calendar_home(tmp_path, monkeypatch):
    """Loaded years live in a folder of their own for the test, and are forgotten after it."""
    from luoshi.ledger import workdays

    monkeypatch.setenv("LUOSHI_CALENDAR_DIR", str(tmp_path / "calendar"))
    monkeypatch.setattr(workdays, "_LOADED", {})
    monkeypatch.setattr(workdays, "_SCANNED", set())
    return tmp_path / "calendar"


def test_a_year_without_official_data_falls_back_to_weekdays_and_says_so(calendar_home):
    from luoshi.ledger.workdays import assumption, official

    assert not official(2099) and is_workday(date(2099, 1, 1))  # a Thursday, holiday or not
    assert not is_workday(date(2099, 1, 3))  # a Saturday
    assert shift_workdays(date(2099, 1, 2), 1) == date(2099, 1, 5)
    assert (
        assumption(2099)
        == "2099年尚无国务院节假日安排数据，工作日按周一至周五计算（可用 luoshi calendar load 补充）"
    )
    assert assumption(2026) is None


def test_a_loaded_year_counts_its_holidays_and_make_up_days(calendar_home, tmp_path):
    from luoshi.ledger import workdays
    from luoshi.ledger.workdays import load_calendar, official

    source = tmp_path / "2099.csv"
    source.write_text("# 元旦\n2099-01-01,休\n2099-01-02,休\n2099-01-03,班\n", encoding="utf-8")
    assert load_calendar(source) == [2099]
    assert official(2099) and not is_workday(date(2099, 1, 1)) and is_workday(date(2099, 1, 3))
    # Kept for later runs: a fresh process reads it from the calendar folder.
    workdays._LOADED.clear()
    workdays._SCANNED.clear()
    assert (calendar_home / "2099.csv").exists() and not is_workday(date(2099, 1, 2))
    bad = tmp_path / "bad.csv"
    bad.write_text("2099-01-01,休\n2099-13-01,休\n", encoding="utf-8")
    with pytest.raises(CalendarOutOfRange, match=r"bad\.csv第2行无法识别"):
        load_calendar(bad)


def test_scheduling_a_task_due_in_a_year_without_data_is_no_traceback(calendar_home):
    dates = backward_schedule(date(2099, 6, 30), {"报批": 5})
    assert dates["报批"] == date(2099, 6, 23)


def _state(percent=None, last=None, done=None, kind="date", deadline=date(2026, 12, 31), original=None):
    return TaskState(kind, deadline, original or deadline, date(2026, 1, 1), done, percent, last)


RULES = PRESETS["supervision-office"]


@pytest.mark.parametrize(
    ("percent", "expected"),
    [(50, "on_track"), (41, "on_track"), (40, "at_risk"), (20, "at_risk"), (19, "overdue")],
)
def test_progress_against_elapsed_time_boundaries(percent, expected):
    # 2 Jul is 182 of 364 days: 序时进度 is 50%. Yellow from 10 points behind, red beyond 30.
    as_of = date(2026, 7, 2)
    assert compute_status(_state(percent, last=date(2026, 6, 20)), as_of, RULES).status == expected


def test_status_rules_each_case():
    last = date(2026, 12, 20)
    assert compute_status(_state(100, last, done=date(2026, 12, 1)), date(2027, 1, 5)).status == "done"
    assert compute_status(_state(100, last, done=date(2027, 1, 3)), date(2027, 1, 5)).status == "done_late"
    past = compute_status(_state(90, last), date(2027, 1, 1))
    assert past.status == "overdue" and "已超过完成时限（2026-12-31）未完成" in past.rule
    near = compute_status(_state(99, last), date(2026, 12, 28))
    assert near.status == "at_risk" and "提醒期" in near.rule
    assert compute_status(_state(99, last), date(2026, 12, 27)).status == "on_track"
    stale = compute_status(_state(60, date(2026, 5, 1)), date(2026, 7, 1))
    assert stale.status == "at_risk" and "未报送进展" in stale.rule
    assert compute_status(_state(), date(2026, 1, 20)).status == "not_started"
    assert compute_status(_state(kind="ongoing", deadline=None), date(2026, 5, 1)).status == "ongoing"


def test_assessment_against_the_original_deadline():
    extended = _state(90, date(2027, 1, 10), deadline=date(2027, 3, 31), original=date(2026, 12, 31))
    assert compute_status(extended, date(2027, 1, 15)).status == "on_track"
    strict = PRESETS["supervision-office"].__class__(assess_original_deadline=True)
    assert compute_status(extended, date(2027, 1, 15), strict).status == "overdue"
