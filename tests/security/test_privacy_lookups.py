"""Looking someone up never puts their email address (or name) in a web address, where it
would be kept in access logs and browser history: the searches are posted forms."""

from __future__ import annotations

import re
from urllib.parse import unquote_plus

import pytest

EMAIL = "Zara.Lookup@nhs.net"
TRACES = ("zara", "lookup")


@pytest.fixture
def coordinator_client(csrf_client, make, sign_in_coordinator):
    sign_in_coordinator(make.coordinator(), csrf_client)
    return csrf_client


@pytest.fixture
def zara(make):
    return make.person(email=EMAIL, full_name="Zara Lookup")


class Journey:
    """A browser without JavaScript: it follows redirects and notes every address it uses."""

    def __init__(self, client):
        self.client = client
        self.urls: list[str] = []

    def _note(self, response):
        for step in (*response.history, response):
            self.urls.append(step.request.url)
            if step.location:
                self.urls.append(step.location)
        return response

    def get(self, path):
        return self._note(self.client.get(path, follow_redirects=True))

    def submit(self, page, fields: dict):
        """Fill in and send the form on `page` that has these fields, the way a browser would
        (its method and action, its hidden fields, and the values given)."""
        html = page.get_data(as_text=True)
        [(attributes, inside)] = [
            form
            for form in re.findall(r"<form\b([^>]*)>(.*?)</form>", html, re.S)
            if all(f'name="{name}"' in form[1] for name in fields)
        ]
        method = re.search(r'method="(\w+)"', attributes)
        action = re.search(r'action="([^"]*)"', attributes)
        hidden = dict(re.findall(r'name="([^"]+)" type="hidden" value="([^"]*)"', inside))
        target = (action and action.group(1)) or page.request.path
        if method and method.group(1).lower() == "post":
            response = self.client.post(target, data={**hidden, **fields}, follow_redirects=True)
        else:
            response = self.client.get(
                target, query_string={**hidden, **fields}, follow_redirects=True
            )
        return self._note(response)

    def assert_no_address_in_any_url(self):
        assert self.urls
        for url in self.urls:
            for trace in TRACES:
                assert trace not in unquote_plus(url).lower(), url


def test_finding_a_person_for_a_privacy_request_keeps_their_address_out_of_urls(
    coordinator_client, zara
):
    journey = Journey(coordinator_client)
    page = journey.get("/coordinator/privacy")
    assert re.search(r'<form[^>]*method="post"', page.get_data(as_text=True))
    found = journey.submit(page, {"email": EMAIL.upper()})
    assert found.request.path == f"/coordinator/privacy/people/{zara.id}"
    assert "Zara Lookup" in found.get_data(as_text=True)
    journey.assert_no_address_in_any_url()


def test_an_unknown_address_is_answered_without_it_in_the_url(coordinator_client):
    journey = Journey(coordinator_client)
    page = journey.get("/coordinator/privacy")
    answer = journey.submit(page, {"email": "zara.lookup@example.org"})
    assert "We hold nothing about that email address" in answer.get_data(as_text=True)
    assert answer.request.path == "/coordinator/privacy"
    journey.assert_no_address_in_any_url()


def test_finding_a_training_record_keeps_the_search_out_of_urls(coordinator_client, zara):
    journey = Journey(coordinator_client)
    page = journey.get("/coordinator/reports/people")
    assert re.search(r'<form[^>]*method="post"', page.get_data(as_text=True))
    results = journey.submit(page, {"q": "zara.lookup@"})
    link = f'href="/coordinator/reports/people/{zara.id}"'
    assert link in results.get_data(as_text=True)
    record = journey.get(f"/coordinator/reports/people/{zara.id}")
    assert "Zara Lookup" in record.get_data(as_text=True)
    by_name = journey.submit(page, {"q": "Lookup"})
    assert link in by_name.get_data(as_text=True)
    journey.assert_no_address_in_any_url()


@pytest.mark.parametrize(
    "path", ["/coordinator/privacy?email=zara.lookup@nhs.net", "/coordinator/reports/people?q=zara"]
)
def test_an_address_in_the_url_is_not_searched_for(coordinator_client, zara, path):
    response = coordinator_client.get(path)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Zara Lookup" not in page and "zara.lookup@nhs.net" not in page


@pytest.mark.parametrize(
    ("path", "fields"),
    [("/coordinator/privacy", {"email": EMAIL}), ("/coordinator/reports/people", {"q": "zara"})],
)
def test_the_searches_need_the_form_s_token(coordinator_client, zara, path, fields):
    response = coordinator_client.post(path, data=fields)
    assert response.status_code == 400
    assert "Zara" not in response.get_data(as_text=True)
