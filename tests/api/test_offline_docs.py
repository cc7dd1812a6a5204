"""/docs and /redoc work without internet: every file their pages load comes from the
service itself."""

import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient


class References(HTMLParser):
    """The URLs a page loads: scripts, style sheets, icons."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = dict(attrs)
        if tag == "script" and given.get("src"):
            self.urls.append(given["src"] or "")
        if tag == "link" and given.get("href"):
            self.urls.append(given["href"] or "")
        if tag == "redoc" and given.get("spec-url"):
            self.urls.append(given["spec-url"] or "")


def references(html: str) -> list[str]:
    parser = References()
    parser.feed(html)
    return parser.urls


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_a_documentation_page_loads_only_files_the_service_serves(
    client: TestClient, page: str
) -> None:
    answer = client.get(page, headers={"Authorization": ""})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    html = answer.text
    # No absolute URL at all: nothing to fetch from another host (a CDN, fonts).
    assert not re.search(r"(?:https?:)?//[a-z0-9]", html, re.IGNORECASE), html
    urls = references(html)
    assert urls
    kinds = set()
    for url in urls:
        assert url.startswith("/"), url
        assert not url.startswith("//"), url
        loaded = client.get(url, headers={"Authorization": ""})
        assert loaded.status_code == 200, url
        kind = loaded.headers["content-type"].split(";")[0]
        kinds.add(kind)
        assert loaded.content, url
    # Swagger UI: its script, style sheet and icon; ReDoc: its script, icon and the
    # document (Swagger UI names the document in its script, tested below).
    expected = {"text/javascript", "image/png"} | (
        {"text/css"} if page == "/docs" else {"application/json"}
    )
    assert expected <= kinds, kinds


def test_swagger_ui_reads_the_services_document(client: TestClient) -> None:
    html = client.get("/docs").text
    assert "url: '/openapi.json'" in html
    # Swagger UI's default validator badge would send the document to a public service.
    assert '"validatorUrl": null' in html


def test_the_root_links_to_the_documents_the_console_and_the_health_checks(
    client: TestClient,
) -> None:
    answer = client.get("/", headers={"Authorization": ""})
    assert answer.status_code == 200
    links = answer.json()
    assert links["docs"] == "/docs"
    assert links["redoc"] == "/redoc"
    assert links["openapi"] == "/openapi.json"
    assert links["console"] == "/console"
    assert links["healthz"] == "/healthz"
    for name in ("docs", "redoc", "openapi", "healthz", "readyz"):
        assert client.get(links[name], headers={"Authorization": ""}).status_code == 200, name
