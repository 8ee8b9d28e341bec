"""Requests larger than MAX_CONTENT_LENGTH are refused unread, with a plain page."""

from __future__ import annotations

import pytest

from ..support.multipart import multipart

MEGABYTE = 1024 * 1024


def _too_large(response) -> bool:
    page = response.get_data(as_text=True)
    return (
        response.status_code == 413
        and "What you sent is too large" in page
        and "1 MB" in page
        and 'class="govuk-heading-l"' in page
        and "Traceback" not in page
    )


def test_a_form_larger_than_a_megabyte_gets_the_plain_too_large_page(client):
    response = client.post("/sign-in", data={"email": "x" * (MEGABYTE + 1)})
    assert _too_large(response)


@pytest.mark.parametrize("path", ["/sign-in", "/coordinator/sign-in"])
def test_a_large_upload_to_a_page_that_takes_none_is_refused(client, path):
    response = client.post(
        path, **multipart({"email": "ann@nhs.net"}, {"extra": (b"x" * 2 * MEGABYTE, "big.bin")})
    )
    assert _too_large(response)


def test_a_request_under_the_limit_is_read_as_usual(client):
    body = multipart({"email": "ann@nhs.net"}, {"extra": (b"x" * (MEGABYTE - 4096), "a.bin")})
    assert client.post("/sign-in", **body).status_code == 302


def test_the_limit_is_a_setting(make_app):
    small = make_app(MAX_CONTENT_LENGTH=10_000).test_client()
    response = small.post("/sign-in", data={"email": "x" * 20_000})
    assert response.status_code == 413
    assert "10 KB" in response.get_data(as_text=True)
