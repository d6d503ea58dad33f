from __future__ import annotations

from broadsheet.lib.ip import client_ip, keyed_hash, truncate

PROXY = ["10.0.0.0/8"]


def test_without_trusted_proxies_forwarded_for_is_ignored() -> None:
    meta = {"REMOTE_ADDR": "198.51.100.9", "HTTP_X_FORWARDED_FOR": "192.0.2.1"}
    assert client_ip(meta, []) == "198.51.100.9"


def test_a_trusted_proxy_hands_over_the_address_it_saw() -> None:
    meta = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "192.0.2.1"}
    assert client_ip(meta, PROXY) == "192.0.2.1"


def test_addresses_the_client_prepended_are_not_believed() -> None:
    # The client sent "X-Forwarded-For: 203.0.113.5"; our proxy appended the real address.
    meta = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.5, 192.0.2.1"}
    assert client_ip(meta, PROXY) == "192.0.2.1"


def test_chains_of_trusted_proxies_are_walked() -> None:
    meta = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "192.0.2.1, 10.0.0.2"}
    assert client_ip(meta, PROXY) == "192.0.2.1"


def test_garbage_in_the_header_stops_the_walk() -> None:
    meta = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "not-an-ip, 192.0.2.1"}
    assert client_ip(meta, PROXY) == "192.0.2.1"
    assert (
        client_ip({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "junk"}, PROXY) == "10.0.0.1"
    )


def test_ipv4_mapped_ipv6_is_read_as_ipv4() -> None:
    assert client_ip({"REMOTE_ADDR": "::ffff:198.51.100.9"}, []) == "198.51.100.9"


def test_truncate_keeps_the_network_only() -> None:
    assert truncate("198.51.100.77") == "198.51.100.0/24"
    assert truncate("2001:db8:1234:5678::1") == "2001:db8:1234::/48"
    assert truncate("nonsense") == ""


def test_keyed_hash_depends_on_key_and_purpose_and_ignores_case() -> None:
    one = keyed_hash("Rosa@Example.org", key="k1", purpose="email")
    assert one == keyed_hash("rosa@example.org", key="k1", purpose="email")
    assert one != keyed_hash("rosa@example.org", key="k2", purpose="email")
    assert one != keyed_hash("rosa@example.org", key="k1", purpose="ip")
