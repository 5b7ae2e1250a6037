"""The reader lists a document's other copies with their site and URL."""

import dataclasses

from fastapi.testclient import TestClient
from reprint_set import build
from webutil import PASSWORD

from luoshi.accounts.service import Accounts
from luoshi.ingest import document_from_text
from luoshi.store import open_store
from luoshi.web import create_app


def test_reader_lists_the_other_copies(tmp_path):
    db = str(tmp_path / "web.db")
    store = open_store(db)
    copies = build(stories=1, singles=1, seed=5)
    docs = [
        dataclasses.replace(document_from_text(c.text, f"c{i}"), source_url=c.url, source_site=c.site)
        for i, c in enumerate(copies)
    ]
    docs[0] = dataclasses.replace(docs[0], source_url="javascript:alert(1)")
    with store.transaction() as conn:
        ids = [o.document_id for o in store.add_documents(conn, [(d, None) for d in docs])]
    Accounts(store).add("viewer", PASSWORD, "viewer", None)
    client = TestClient(create_app(db))
    assert client.post("/api/login", json={"name": "viewer", "password": PASSWORD}).status_code == 200
    members = [i for i, c in zip(ids, copies, strict=True) if c.kind != "other"]
    single = next(i for i, c in zip(ids, copies, strict=True) if c.kind == "other")
    page = client.get(f"/documents/{members[-1]}").text
    assert "其他转载" in page
    for other, doc in zip(ids, docs, strict=True):
        if other in members and other != members[-1]:
            assert f'href="/documents/{other}"' in page and doc.source_site in page
            assert doc.source_url is not None
            if doc.source_url.startswith("https://"):
                assert f'href="{doc.source_url}"' in page
    assert 'href="javascript:' not in page
    assert "其他转载" not in client.get(f"/documents/{single}").text
    story = client.get(f"/api/documents/{members[0]}").json()["story"]
    assert sorted(d["id"] for d in story["documents"]) == sorted(members)
    client.cookies.set("lang", "en")
    assert "Other copies" in client.get(f"/documents/{members[-1]}").text
