"""Whose address a request counts as: X-Forwarded-For only from trusted proxies, read from the right."""

from __future__ import annotations

import pytest

from explorer.addresses import UNKNOWN, client_address, limit_key, network, networks, parse_address

NGINX = ("127.0.0.1", "::1")
CHAIN = ("127.0.0.1", "10.0.0.0/8", "fd00::/8")


@pytest.mark.parametrize(
    "forged",
    [
        "1.2.3.4",
        "1.2.3.4, 5.6.7.8",
        "127.0.0.1",
        "10.0.0.1",
        "::1",
        "[::1]:80",
        "garbage",
        "",
        " , ,",
        "9" * 5000,
    ],
)
def test_a_forged_header_from_an_untrusted_peer_is_ignored(forged):
    assert client_address("203.0.113.7", forged, NGINX) == "203.0.113.7"
    assert client_address("203.0.113.7", forged, ()) == "203.0.113.7"
    assert client_address("2001:db8::7", forged, CHAIN) == "2001:db8::7"


def test_without_trusted_proxies_even_loopback_is_just_the_peer():
    assert client_address("127.0.0.1", "198.51.100.1", ()) == "127.0.0.1"  # the old 'believe loopback' rule is gone


def test_a_trusted_proxy_names_the_client_and_what_the_client_wrote_is_not_read():
    assert client_address("127.0.0.1", "198.51.100.1", NGINX) == "198.51.100.1"
    # the client sent "X-Forwarded-For: 6.6.6.6, 127.0.0.1"; nginx appended its peer
    assert client_address("127.0.0.1", "6.6.6.6, 127.0.0.1, 198.51.100.1", NGINX) == "198.51.100.1"
    assert client_address("127.0.0.1", "6.6.6.6,198.51.100.1", NGINX) == "198.51.100.1"


def test_several_trusted_hops_are_skipped_from_the_right():
    header = "6.6.6.6, 198.51.100.1, 10.1.2.3, 10.0.0.2"
    assert client_address("127.0.0.1", header, CHAIN) == "198.51.100.1"
    assert client_address("127.0.0.1", "  198.51.100.1 ,\t10.0.0.2  ", CHAIN) == "198.51.100.1"
    assert client_address("127.0.0.1", "198.51.100.1,, ,10.0.0.2,", CHAIN) == "198.51.100.1"  # empty entries


def test_an_all_trusted_chain_gives_its_leftmost_entry():
    assert client_address("127.0.0.1", "10.0.0.9, 10.0.0.8, 127.0.0.1", CHAIN) == "10.0.0.9"
    assert client_address("::1", "fd00::5, 10.0.0.8", ("::1", *CHAIN)) == "fd00::5"
    assert client_address("::1", "fd00::5, 10.0.0.8", CHAIN) == "::1"  # ::1 itself is not trusted here


@pytest.mark.parametrize(
    "garbage",
    [
        "unknown",
        "_hidden",
        "example.org",
        "1.2.3.4.5",
        "999.1.1.1",
        "1.2.3.4:",
        "1.2.3.4:x",
        "1.2.3.4:٣",
        "[::1",
        "[::1]x",
        "[::1]:",
        "fe80::1%eth0",
        "[fe80::1%25eth0]:80",
        "١.٢.٣.٤",
        "1.2.3.4/8",
        "<script>",
        "::1::",
    ],
)
def test_garbage_ends_the_reading_at_the_last_trusted_hop(garbage):
    # a made-up entry is never an address of its own: each one would be a fresh allowance for the limiters
    assert client_address("127.0.0.1", garbage, NGINX) == "127.0.0.1"
    assert client_address("127.0.0.1", f"198.51.100.1, {garbage}, 10.0.0.2", CHAIN) == "10.0.0.2"
    assert client_address("127.0.0.1", f"{garbage}, 198.51.100.1", CHAIN) == "198.51.100.1"


def test_ports_and_brackets_are_dropped_and_addresses_written_one_way():
    assert client_address("127.0.0.1", "1.2.3.4:5678", NGINX) == "1.2.3.4"
    assert client_address("127.0.0.1", "[2001:DB8:0:0::1]:80", NGINX) == "2001:db8::1"
    assert client_address("127.0.0.1", "[2001:db8::1]", NGINX) == "2001:db8::1"
    assert client_address("127.0.0.1", "2001:0db8::0001", NGINX) == "2001:db8::1"
    assert client_address("127.0.0.1", "[::1]:80", NGINX) == "::1"  # trusted all the way: the leftmost
    assert client_address("127.0.0.1:41000", "1.2.3.4", NGINX) == "1.2.3.4"
    assert client_address("[::1]:41000", "1.2.3.4", NGINX) == "1.2.3.4"


def test_ipv4_mapped_ipv6_is_its_ipv4_address():
    assert client_address("::ffff:127.0.0.1", "198.51.100.1", NGINX) == "198.51.100.1"
    assert client_address("127.0.0.1", "::ffff:198.51.100.1", NGINX) == "198.51.100.1"
    assert client_address("::ffff:203.0.113.7", "198.51.100.1", NGINX) == "203.0.113.7"


def test_an_ipv4_address_is_never_taken_for_part_of_an_ipv6_network():
    # 127.0.0.1 is 0x7f000001, inside ::/64 if the versions were not compared
    assert client_address("127.0.0.1", "198.51.100.1", ("::/64",)) == "127.0.0.1"
    assert client_address("::7f00:1", "198.51.100.1", ("127.0.0.0/8",)) == "::7f00:1"


def test_a_peer_that_is_no_address():
    assert client_address("", "198.51.100.1", NGINX) == UNKNOWN
    assert client_address("  ", None, NGINX) == UNKNOWN
    assert client_address("testclient", "198.51.100.1", NGINX) == "testclient"  # Starlette's test client


def test_networks_are_parsed_once_and_named_when_wrong():
    assert network(" 10.1.2.3/8 ") == network("10.0.0.0/8")
    assert str(network("::ffff:127.0.0.1")) == "127.0.0.1/32"
    assert networks(("127.0.0.1",)) is networks(("127.0.0.1",))
    for bad in ("10.0.0.300", "10.0.0.0/33", "localhost", "", "1.2.3.4 5.6.7.8", "fe80::1%eth0", "::1/129"):
        with pytest.raises(ValueError, match="is not an address or network"):
            network(bad)


def test_parse_address():
    assert str(parse_address(" 1.2.3.4:80 ")) == "1.2.3.4"
    assert parse_address("1.2.3.4:80:90") is None and parse_address("") is None


def test_an_ipv6_client_counts_by_its_slash_64():
    assert limit_key("2001:db8:1:2:aaaa::1") == limit_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert limit_key("2001:db8:1:3::1") != limit_key("2001:db8:1:2::1")
    assert limit_key("198.51.100.1") == "198.51.100.1" and limit_key("::1") == "::1" and limit_key(UNKNOWN) == UNKNOWN
