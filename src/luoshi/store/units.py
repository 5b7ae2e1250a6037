"""Unit names and their aliases: "市发展改革委", "市发改委" and "深圳市发展和改革委员会" are one unit.

Names are reduced to a key (simplified script, no spaces or brackets, common abbreviations
expanded) so that the usual spellings of one unit meet; explicit aliases add the rest."""

from __future__ import annotations

import re

from luoshi.text import to_simplified

# Abbreviation → full form, applied to the key of a name (longest first).
_EXPANSIONS = [
    ("发展改革委", "发展和改革委员会"),
    ("发改委", "发展和改革委员会"),
    ("发改局", "发展和改革局"),
    ("工信局", "工业和信息化局"),
    ("工信厅", "工业和信息化厅"),
    ("科创委", "科技创新委员会"),
    ("住建局", "住房和建设局"),
    ("住建厅", "住房和城乡建设厅"),
    ("规自局", "规划和自然资源局"),
    ("人社局", "人力资源和社会保障局"),
    ("市场监管局", "市场监督管理局"),
    ("生态环境局", "生态环境局"),
    ("商务局", "商务局"),
    ("政数局", "政务服务数据管理局"),
    ("交通局", "交通运输局"),
    ("财政局", "财政局"),
    ("金融局", "地方金融监督管理局"),
    ("管委会", "管理委员会"),
    ("前海管理局", "前海深港现代服务业合作区管理局"),
]
_DROP = re.compile(r"[\s（）()【】\[\]“”\"]")


def unit_key(name: str, home: str | None = None) -> str:
    """A comparison key. ``home`` is the city or province a leading 市/省 stands for."""
    key = _DROP.sub("", to_simplified(name))
    if home and key.startswith(home):
        key = key[len(home) :]
        key = key if key.startswith(("市", "省", "区")) else "市" + key
    for short, full in _EXPANSIONS:
        if short in key and full not in key:
            key = key.replace(short, full)
    return key


def local_key(key: str) -> str | None:
    """The key without its place name: "深圳市发展和改革委员会" → "市发展和改革委员会"."""
    from luoshi.extract.gazetteer import places

    for place in places():
        for level in ("市", "省", "区"):
            if key.startswith(place + level) and len(key) > len(place) + 2:
                return key[len(place) :]
    return None
