"""The certificate check page is rate-limited per internet address, so numbers cannot be
tried in bulk."""

from __future__ import annotations


def test_checking_many_numbers_from_one_address_is_slowed_down(limited_app):
    the_app = limited_app(
        RATELIMIT_STORAGE_URI="memory://", RATELIMIT_CERTIFICATE_CHECKS="3 per minute"
    )
    client = the_app.test_client()
    ask = lambda n, address="10.0.0.7": client.get(  # noqa: E731
        f"/certificates/AAAA-BBBB-CC{n:02d}", environ_base={"REMOTE_ADDR": address}
    )
    assert [ask(n).status_code for n in range(3)] == [404, 404, 404]
    refused = ask(3)
    assert refused.status_code == 429
    assert ask(4, address="10.0.0.8").status_code == 404  # another address is not slowed
