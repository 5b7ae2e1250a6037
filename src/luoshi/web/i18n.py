"""Interface strings: Chinese (zh-CN) by default, English on request."""

from __future__ import annotations

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from luoshi.messages import MESSAGES, using_language

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
    "renamed": ("改名保存", "Stored under another name"),
    "no_results": ("无结果", "No results"),
    "cited_by": ("引用该文件的会议", "Meetings citing this document"),
    "documents_attended": ("出现的文件", "Appears in"),
    "forbidden": ("无权限", "Not allowed"),
    "propose": ("生成待确认任务", "Propose tasks"),
    "programme": ("台账名称", "Programme"),
    "date": ("日期", "Date"),
    "submit": ("提交", "Submit"),
    "error_400": ("请求有误", "Bad request"),
    "error_401": ("请先登录", "Please log in"),
    "error_403": ("无权限", "Not allowed"),
    "error_404": ("页面不存在", "Page not found"),
    "error_405": ("不支持该操作", "Method not allowed"),
    "error_409": ("与当前状态冲突", "Conflict with the current state"),
    "error_413": ("文件过大", "Too large"),
    "error_422": ("输入有误，请检查后重试", "Invalid input"),
    "error_429": ("尝试过多，请稍后再试", "Too many attempts"),
    "error_500": ("系统内部错误", "Internal error"),
    "error_503": ("系统暂时不可用，请稍后再试", "Temporarily unavailable"),
    "error_other": ("出错了", "Error"),
    "back_home": ("返回总览", "Back to the dashboard"),
    "api_docs": ("接口说明", "API reference"),
    "api_docs_note": (
        "以下为本系统的 JSON 接口，完整定义见",
        "The JSON endpoints of this system; full schema:",
    ),
    "method": ("方法", "Method"),
    "path": ("路径", "Path"),
    "summary": ("说明", "Summary"),
    "report": ("督查通报", "Supervision report"),
    "as_of": ("截至日期", "As of"),
    "rules": ("研判规则", "Status rules"),
    "rules_supervision-office": ("督查室标准", "Supervision office"),
    "rules_strict": ("从严", "Strict"),
    "rules_lenient": ("从宽", "Lenient"),
    "all_programmes": ("全部台账", "All programmes"),
    "show": ("生成", "Show"),
    "download_html": ("下载网页版", "Download HTML"),
    "download_xlsx": ("下载 Excel", "Download Excel"),
}
ERROR_KEYS = frozenset(k for k in STRINGS if k.startswith("error_"))


def translator(lang: str):  # type: ignore[no-untyped-def]
    index = 1 if lang == "en" else 0

    def t(key: str) -> str:
        pair = STRINGS.get(key) or MESSAGES.get(key)
        return pair[index] if pair else key

    return t


class RequestLanguage:
    """Everything said while answering a request (status reasons, ledger refusals, the report)
    is in the user's language: the ``lang`` cookie, zh unless en."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        lang = "en" if HTTPConnection(scope).cookies.get("lang") == "en" else "zh"
        with using_language(lang):
            await self.app(scope, receive, send)
