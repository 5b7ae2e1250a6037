"""The columns of a 台账 by meaning, with the spellings offices give them.

One table: each meaning lists its header words. A header cell takes the meaning of the longest
word it contains (so "实际完成时间" is a completion date, not a deadline, and "整改责任单位" is the
responsible unit); a cell equal to a word wins outright. ``progress`` may appear several times
("1-10月推进情况", "1-11月推进情况"): each becomes a dated report."""

from __future__ import annotations

import re

COLUMNS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号", "序"),
    "title": (
        "重点任务",
        "工作任务",
        "任务",
        "民生实事",
        "大事和民生实事",
        "实事项目",
        "办实事项目",
        "项目名称",
        "项目",
        "存在问题",
        "问题",
        "问题清单",
        "目标任务",
        "事项",
        "工作事项",
        "工作内容",
        "重点工作",
        "任务/领域",
        "工作要点",
        "改革任务",
        "任务名称",
    ),
    "measures": (
        "具体举措",
        "工作举措",
        "主要举措",
        "具体措施",
        "工作措施",
        "整改措施",
        "主要内容",
        "任务内容",
        "举措",
        "措施",
        "建设内容",
        "目标要求",
    ),
    "lead": ("牵头单位", "牵头部门", "主办单位", "主责单位", "牵头领导单位"),
    "co": ("配合单位", "配合部门", "协办单位", "协同单位", "参与单位"),
    "responsible": ("责任单位", "责任部门", "责任主体", "承办单位", "整改责任单位"),
    "deadline": (
        "完成时限",
        "时间节点",
        "整改时限",
        "办理时限",
        "完成时间",
        "时限",
        "完成期限",
        "截止时间",
        "时间要求",
        "计划完成时间",
    ),
    "done_date": ("实际完成时间", "实际完成日期", "完成日期", "办结时间", "销号时间"),
    "progress": (
        "进展情况",
        "推进情况",
        "完成情况",
        "整改进展",
        "工作进展",
        "进展",
        "进度情况",
        "整改情况",
        "落实情况",
        "办理情况",
    ),
    "status": ("完成状态", "整改状态", "是否达序", "是否达到序时进度", "状态", "办理状态", "推进状态"),
    "percent": ("完成比例", "完成进度", "完成率", "进度（%）", "完成百分比"),
    "leader": ("责任领导", "分管领导", "区政府分管领导", "市政府分管领导", "县政府分管领导", "包保领导"),
    "contact": ("责任人", "联系人", "具体责任人", "经办人", "联络员"),
    "notes": ("备注", "说明"),
    "area": ("领域", "类别", "方面", "板块", "点位", "类型", "分类"),
}

# Meanings a sheet may hold more than once.
REPEATABLE = frozenset({"progress"})
_SPACE = re.compile(r"\s")


def meaning(label: str) -> str | None:
    """What a header cell means, or None when it is not a ledger column."""
    name = _SPACE.sub("", label)
    if not name or len(name) > 24:
        return None
    best: tuple[int, str] | None = None
    for key, words in COLUMNS.items():
        for word in words:
            if name == word:
                return key
            if word in name and (best is None or len(word) > best[0]):
                best = (len(word), key)
    return best[1] if best else None
