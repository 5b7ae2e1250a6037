"""Helpers shared by the web tests."""

from __future__ import annotations

from fastapi.testclient import TestClient

from luoshi.web import create_app

PASSWORD = "correct-horse-1"
READOUT = ("2026年3月2日讯 3月1日,市委书记周明远在前海主持召开专题会议,学习贯彻《前海合作区条例》,明确96项年度工作任务。"
           "周明远强调,一要倒排工期,确保2026年6月底前完成。市市场监管局要牵头制定任务清单。")  # fmt: skip
USERS = {"admin": ("admin", None), "super": ("supervisor", None), "market": ("unit", "市市场监管局"),
         "justice": ("unit", "市司法局"), "viewer": ("viewer", None)}  # fmt: skip


def login(site: dict, name: str) -> tuple[TestClient, str]:
    client = TestClient(create_app(site["db"]))
    response = client.post("/api/login", json={"name": name, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return client, response.json()["csrf"]
