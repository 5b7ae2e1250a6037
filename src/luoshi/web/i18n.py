"""Interface strings: Chinese (zh-CN) by default, English on request."""

from __future__ import annotations

from luoshi.messages import MESSAGES

STRINGS: dict[str, tuple[str, str]] = {
    "app": ("落实 · 政策落实台账", "luoshi · implementation ledger"),
    "dashboard": ("总览", "Dashboard"),
    "documents": ("文件", "Documents"),
    "ledger": ("台账", "Ledger"),
    "upload": ("上传", "Upload"),
    "search": ("搜索", "Search"),
    "login": ("登录", "Log in"),
    "logout": ("退出", "Log out"),
    "user": ("用户名", "User"),
    "password": ("密码", "Password"),
    "overdue": ("逾期事项", "Overdue"),
    "due_soon": ("临期事项", "Due soon"),
    "recent_documents": ("最新文件", "Recent documents"),
    "status_by_unit": ("各单位任务状态", "Status by unit"),
    "persons": ("人物", "People"),
    "posts": ("职务", "Posts"),
    "cited": ("引用文件", "Cited documents"),
    "batches": ("任务批次", "Task batches"),
    "directives": ("部署要求", "Directives"),
    "meetings": ("会议", "Meetings"),
    "places": ("地点", "Places"),
    "task": ("任务", "Task"),
    "lead_unit": ("牵头单位", "Lead unit"),
    "co_units": ("配合单位", "Co-operating units"),
    "deadline": ("完成时限", "Deadline"),
    "status": ("状态", "Status"),
    "progress": ("进展情况", "Progress"),
    "report_progress": ("报送进展", "Report progress"),
    "percent": ("完成比例", "Percent done"),
    "evidence": ("佐证材料", "Evidence"),
    "milestones": ("节点", "Milestones"),
    "history": ("操作记录", "History"),
    "source": ("来源", "Source"),
    "proposals": ("待确认任务", "Proposed tasks"),
    "accept": ("采纳", "Accept"),
    "reject": ("不采纳", "Reject"),
    "export": ("导出 Excel", "Export Excel"),
    "import": ("导入 Excel", "Import Excel"),
    "timeline": ("进度甘特图", "Timeline"),
    "filter": ("筛选", "Filter"),
    "all": ("全部", "All"),
    "from": ("起", "From"),
    "to": ("止", "To"),
    "place": ("地点", "Place"),
    "kind": ("会议类型", "Meeting kind"),
    "rejected": ("未能导入", "Rejected"),
    "added": ("已导入", "Added"),
    "duplicate": ("已存在", "Already stored"),
    "no_results": ("无结果", "No results"),
    "cited_by": ("引用该文件的会议", "Meetings citing this document"),
    "documents_attended": ("出现的文件", "Appears in"),
    "forbidden": ("无权限", "Not allowed"),
    "propose": ("生成待确认任务", "Propose tasks"),
    "programme": ("台账名称", "Programme"),
    "date": ("日期", "Date"),
    "submit": ("提交", "Submit"),
}


def translator(lang: str):  # type: ignore[no-untyped-def]
    index = 1 if lang == "en" else 0

    def t(key: str) -> str:
        pair = STRINGS.get(key) or MESSAGES.get(key)
        return pair[index] if pair else key

    return t
