from __future__ import annotations

from django.test import RequestFactory, override_settings

from broadsheet.lib.origins import is_own, origin_of, sender


def test_an_origin_is_scheme_host_and_port_only() -> None:
    assert origin_of("https://news.example:8443/a/b?c#d") == "https://news.example:8443"
    assert origin_of("/relative/path") == ""
    assert origin_of("not a url") == ""


def test_the_origin_header_wins_and_the_referer_stands_in() -> None:
    both = {"HTTP_ORIGIN": "https://a.example", "HTTP_REFERER": "https://b.example/page"}
    assert sender(both) == "https://a.example"
    assert sender({"HTTP_REFERER": "https://b.example/page"}) == "https://b.example"
    assert sender({}) == ""


@override_settings(BASE_URL="https://news.example", ALLOWED_HOSTS=["*"])
def test_own_means_the_public_address_or_the_host_asked() -> None:
    request = RequestFactory().post("/", HTTP_HOST="127.0.0.1:8000")
    assert is_own(request, "https://news.example")
    assert is_own(request, "http://127.0.0.1:8000")
    assert not is_own(request, "https://evil.example")
    assert not is_own(request, "")
