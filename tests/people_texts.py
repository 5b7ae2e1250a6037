"""A few readouts of our own (fictional officials) for the people tests of the store, the
service, the CLI and the web: a mayor of Shenzhen who becomes its party secretary (with the
notices that say so), his successor as mayor, and two people named 张立新 in two cities."""

from __future__ import annotations

import shutil
from pathlib import Path

from luoshi.extract import extract
from luoshi.ingest import document_from_text
from luoshi.store import Store

GOLD = Path(__file__).resolve().parent / "link" / "people_set"  # the people gold set (tests/link)


def halves(root: Path) -> list[Path]:
    """The gold set's documents in two folders: the second half extends the persons of the first."""
    files = sorted((GOLD / "docs").glob("*.txt"))
    out = []
    for k in range(2):
        folder = root / f"half-{k}"
        folder.mkdir()
        for f in files[k::2]:
            shutil.copy(f, folder / f.name)
        out.append(folder)
    return out


READOUTS = {
    "sz-2021": "深圳市委常委会召开会议\n\n2021年3月5日，深圳市委常委会召开会议，研究营商环境改革工作。市委书记孟立新主持会议，"
    "市委副书记、市长覃建国，副市长张立新出席会议。\n覃建国强调，市发展改革委要在6月底前完成营商环境改革任务清单。",
    "hz-2022": "杭州市召开重点项目推进会\n\n2022年6月10日，杭州市召开重点项目推进会。市长邓兆麟主持会议，"
    "市发展改革委主任张立新通报项目进展情况。",
    "sz-2022-renda": "深圳市人大常委会举行会议\n\n2022年11月9日，深圳市人大常委会举行会议，表决通过人事任免事项。"
    "会议决定任命周正清为深圳市代理市长；接受覃建国辞去深圳市市长职务的请求。",
    "sz-2022-notice": "中共广东省委决定干部任职\n\n2022年11月20日，中共广东省委决定：覃建国同志任深圳市委书记，"
    "免去其深圳市市长职务；孟立新同志不再担任深圳市委书记职务。",
    "sz-2023": "深圳市委常委会召开会议\n\n2023年5月6日，深圳市委常委会召开会议。市委书记覃建国主持会议，"
    "市委副书记、市长周正清出席会议。\n市领导张立新参加会议。",
    "sz-2024-traditional": "深圳市委常委會召開會議\n\n2024年1月10日，深圳市委常委會召開會議。市委書記覃建國主持會議，"
    "市長周正清出席。",
}
LATER = {
    "sz-2024-later": "深圳市政府常务会议召开\n\n2024年6月3日，深圳市政府常务会议召开。市长周正清主持会议，"
    "副市长张立新出席会议。",
}


def add(store: Store, texts: dict[str, str]) -> dict[str, int]:
    """Store the readouts (with their facts) the way ingest does; their ids by name."""
    docs = [document_from_text(text, name) for name, text in texts.items()]
    with store.transaction() as conn:
        outcomes = store.add_documents(conn, [(doc, extract(doc)) for doc in docs])
    return {doc.id: o.document_id for doc, o in zip(docs, outcomes, strict=True)}
