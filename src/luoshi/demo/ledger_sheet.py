"""An example 台账 sheet of ours, written the way real ones look: a title row, merged category
cells with declared counts, 1. / (1) numbering, a blank row, an extra column, deadlines as text
and as Excel dates, one 责任单位 column instead of lead and co-operating columns, and the office's
own status words (推进中, 已完成) in its 完成状态 column."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

TITLE = "前海合作区2026年改革重点任务台账"
HEADER = ["序号", "任务/领域", "具体举措", "责任单位", "完成时限", "进展情况", "完成状态", "备注", "联系人"]
ROWS: list[list[object]] = [
    ["一、金融开放（3项）"],
    [
        "1",
        "推进跨境贸易投资高水平开放试点",
        "扩大试点企业范围，简化跨境资金结算流程",
        "市地方金融监管局、前海管理局、人民银行深圳市分行",
        "2026年6月底前",
        "已完成方案起草",
        "推进中",
        "",
        "张工",
    ],
    ["(1)", "试点企业扩围", "新增试点企业50家", "前海管理局", datetime(2026, 3, 31), "", "", "", ""],
    [
        "(2)",
        "结算流程优化",
        "上线跨境结算一站式平台",
        "人民银行深圳市分行、前海管理局",
        "2026年9月底前",
        "",
        "",
        "",
        "",
    ],
    ["2", "开展跨境理财通业务试点", "扩大参与机构范围", "市地方金融监管局", "年底前", "", "", "", ""],
    [None],
    [
        "3",
        "建设国际金融资产交易平台",
        "完成平台论证并报批",
        "前海管理局、市发改委",
        "2026年3月",
        "论证报告已上报",
        "已完成",
        "需省里协调",
        "",
    ],
    ["二、规则衔接（2项）"],
    [
        "1",
        "推动深港专业人士执业资格互认",
        "新增互认领域不少于3个",
        "市人力资源和社会保障局、前海管理局",
        "2026年10月底前",
        "",
        "",
        "",
        "",
    ],
    ["2", "建立“一事三地”规则衔接清单", "每季度更新规则衔接事项清单", "市司法局", "每季度", "", "", "", ""],
    ["三、营商环境（2项）"],
    ["1", "深化商事登记确认制改革", "实现全程电子化办理", "市市场监管局", "2026年5月底前", "", "", "", ""],
    [
        "2",
        "持续优化政务服务",
        "推进“一网通办”，压缩办理时限",
        "市政数局、前海管理局",
        "长期坚持",
        "",
        "",
        "",
        "",
    ],
]


def write_example_sheet(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "重点任务"
    ws.append([TITLE])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws.append(HEADER)
    for row in ROWS:
        ws.append(row)
        if isinstance(row[0], str) and "、" in row[0] and len(row) == 1:
            ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=len(HEADER))
    wb.save(path)
    return path
