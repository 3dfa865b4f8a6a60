"""The client's address behind trusted reverse proxies: a count or a list of proxies, and a
forged X-Forwarded-For from anyone else is ignored."""

from core.client_address import client_address

NGINX = "127.0.0.1"
CITIZEN = "198.51.100.7"


def meta(peer: str, forwarded: str | None = None) -> dict[str, str]:
    return {"REMOTE_ADDR": peer} | ({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {})


def test_without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says():
    assert client_address(meta(NGINX, CITIZEN), None) == NGINX


def test_behind_one_counted_proxy_the_client_is_the_address_the_proxy_appended():
    assert client_address(meta(NGINX, CITIZEN), 1) == CITIZEN
    # A client that writes the header itself only adds entries to the left of the proxy's.
    assert client_address(meta(NGINX, f"203.0.113.66, {CITIZEN}"), 1) == CITIZEN


def test_a_listed_proxy_is_trusted_by_its_address_or_network():
    assert client_address(meta(NGINX, CITIZEN), [NGINX]) == CITIZEN
    assert client_address(meta("10.2.3.4", CITIZEN), ["10.0.0.0/8"]) == CITIZEN


def test_a_header_from_a_peer_that_is_no_listed_proxy_is_ignored():
    assert client_address(meta("203.0.113.9", CITIZEN), [NGINX]) == "203.0.113.9"
    assert client_address(meta("203.0.113.9", f"{CITIZEN}, {NGINX}"), [NGINX]) == "203.0.113.9"


def test_two_listed_proxies_give_the_address_the_outer_one_saw():
    chain = f"203.0.113.66, {CITIZEN}, 192.0.2.1"
    assert client_address(meta("10.0.0.5", chain), ["192.0.2.0/24", "10.0.0.0/8"]) == CITIZEN


def test_a_request_without_the_header_keeps_its_peer_address():
    assert client_address(meta(NGINX), [NGINX]) == NGINX
    assert client_address(meta(NGINX, "n'importe quoi"), 1) == NGINX
