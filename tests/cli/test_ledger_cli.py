import json

from typer.testing import CliRunner

from luoshi.cli.main import app
from luoshi.demo.ledger_sheet import write_example_sheet
from luoshi.messages import message, set_language

runner = CliRunner()


def _run(*args: str):
    return runner.invoke(app, list(args))


def test_ledger_commands_end_to_end(tmp_path, db_path):
    sheet = write_example_sheet(tmp_path / "台账.xlsx")
    db = ["--db", db_path]
    assert "已导入9项任务" in _run("ledger", "import", str(sheet), *db).output
    r = _run(
        "ledger",
        "progress",
        "3.1",
        "系统联调完成",
        "--percent",
        "90",
        "--date",
        "2026-05-20",
        "--as",
        "市市场监管局",
        *db,
    )
    assert r.exit_code == 0, r.output
    assert (
        _run(
            "ledger", "extend", "2.1", "2026-12-31", "--reason", "待批复", "--date", "2026-05-01", *db
        ).exit_code
        == 0
    )
    assert _run("ledger", "decide", "1", "--approve", "--date", "2026-05-02", *db).exit_code == 0
    r = _run("ledger", "schedule", "2.1", "初稿=20", "报批=3", *db)
    assert "初稿: 2026-12-03" in r.output and "报批: 2026-12-28" in r.output
    detail = json.loads(_run("ledger", "show", "2.1", "--as-of", "2026-06-01", *db).output)
    assert detail["deadline"] == "2026-12-31" and detail["original_deadline"] == "2026-10-31"
    assert len(detail["milestones"]) == 2
    history = _run("ledger", "history", "3.1", *db).output
    assert f"市市场监管局 {message('audit.progress')} {message('audit.report')}" in history
    reminders = _run("ledger", "reminders", "--as-of", "2026-05-28", *db).output
    assert "市市场监管局" in reminders and "临期：3.1" in reminders
    report = json.loads(_run("report", "--as-of", "2026-05-28", "--format", "json", *db).output)
    assert sum(report["counts"].values()) == 9
    out = tmp_path / "r.html"
    assert _run("report", "--as-of", "2026-05-28", "--format", "html", "-o", str(out), *db).exit_code == 0
    assert "<svg" in out.read_text(encoding="utf-8")
    assert "状态" in _run("ledger", "diff", "2026-01-15", "2026-05-28", *db).output
    exported = tmp_path / "out.xlsx"
    assert "已导出9项任务" in _run("ledger", "export", str(exported), *db).output
    # Importing the same sheet again into its programme duplicates nothing and changes nothing.
    again = _run("ledger", "import", str(sheet), *db)
    assert again.exit_code == 0 and "新增0项，更新0项" in again.output
    listed = json.loads(_run("ledger", "list", "--json", "--as-of", "2026-05-28", *db).output)
    assert len(listed) == 9
    assert {
        "code",
        "title",
        "measures",
        "lead_unit",
        "co_units",
        "leader",
        "contact",
        "deadline",
        "deadline_text",
        "status",
        "status_reason",
        "sheet_status",
        "progress",
        "percent",
        "updated",
    } <= set(listed[0])
    done = next(t for t in listed if t["code"] == "1.3")
    assert done["sheet_status"] == "已完成" and done["status"] == "done"
    assert "已于" not in done["status_reason"] and "表内填报“已完成”" in done["status_reason"]


def test_bad_sheet_exit_status_and_rows(tmp_path, db_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["序号", "任务", "牵头单位", "完成时限"])
    wb.active.append(["1", "甲", "市商务局", "2026年6月"])
    wb.active.append(["2", "乙", "市商务局", "某天"])
    wb.save(tmp_path / "bad.xlsx")
    r = _run("ledger", "import", str(tmp_path / "bad.xlsx"), "--db", db_path)
    assert r.exit_code == 2 and "第3行：无法理解完成时限“某天”" in r.output
    r = _run("ledger", "import", str(tmp_path / "bad.xlsx"), "--partial", "--db", db_path)
    assert r.exit_code == 3 and "已导入1项任务" in r.output
    try:
        english = _run("ledger", "--lang", "en", "import", str(tmp_path / "bad.xlsx"), "--db", db_path)
    finally:
        set_language(None)  # the language is process-wide: back to $LUOSHI_LANG for later tests
    assert "row 3: cannot understand the deadline '某天'" in english.output


def test_bad_arguments_are_refused_in_the_chosen_language(tmp_path, db_path, monkeypatch):
    sheet = write_example_sheet(tmp_path / "台账.xlsx")
    db = ["--db", db_path]
    assert _run("ledger", "import", str(sheet), *db).exit_code == 0
    for args, zh in (
        (("ledger", "schedule", "2.1", "初稿二十天"), "“初稿二十天”应写作 节点名称=工作日数"),
        (("ledger", "progress", "2.1", "进展", "--date", "5月1日"), "“5月1日”不是有效日期"),
        (("report", "--rules", "loose"), "没有名为“loose”的状态规则"),
        (("ledger", "list", "--rules", "loose"), "没有名为“loose”的状态规则"),
    ):
        monkeypatch.delenv("LUOSHI_LANG", raising=False)
        r = _run(*args, *db)
        assert r.exit_code == 2 and zh in " ".join(r.output.split()), r.output
        monkeypatch.setenv("LUOSHI_LANG", "en")
        r = _run(*args, *db)
        assert r.exit_code == 2 and zh not in r.output and "'" in r.output, r.output


def test_user_commands(db_path):
    assert (
        message("cli.user_added", name="ann", role="unit", unit="，市商务局")
        in _run(
            "user",
            "add",
            "ann",
            "--role",
            "unit",
            "--unit",
            "市商务局",
            "--password",
            "long-enough-1",
            "--db",
            db_path,
        ).output
    )
    assert (
        _run("user", "add", "bob", "--role", "boss", "--password", "long-enough-1", "--db", db_path).exit_code
        == 1
    )
    assert _run("user", "passwd", "ann", "--password", "short", "--db", db_path).exit_code == 1
    assert _run("user", "role", "ann", "viewer", "--db", db_path).exit_code == 0


def test_calendar_load_adds_a_year(tmp_path, monkeypatch):
    from luoshi.ledger import workdays

    monkeypatch.setenv("LUOSHI_CALENDAR_DIR", str(tmp_path / "calendar"))
    monkeypatch.setattr(workdays, "_LOADED", {})
    monkeypatch.setattr(workdays, "_SCANNED", set())
    source = tmp_path / "holidays.csv"
    source.write_text("2098-10-01,休\n2098-10-02,休\n2098-09-27,班\n", encoding="utf-8")
    r = _run("calendar", "load", str(source))
    assert r.exit_code == 0 and "已加载2098年节假日安排" in r.output
    assert (tmp_path / "calendar" / "2098.csv").exists()
    source.write_text("十月一日,休\n", encoding="utf-8")
    r = _run("calendar", "load", str(source))
    assert r.exit_code == 1 and "第1行无法识别" in r.output
