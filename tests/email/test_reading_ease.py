"""Every email we send reads as plain English: a Flesch reading ease of at least 60
(issue 15, item 21). Run with `-s` to print each figure."""

from __future__ import annotations

from ..support.reading_ease import PLAIN_ENGLISH, flesch, sentences_of_text
from .test_plain_english import write_every_email


def test_the_measure_itself_tells_plain_from_dense_english():
    assert flesch("We have saved your place. See you on the day.") > 80
    dense = "Organisational responsibilities necessitate comprehensive multidisciplinary review."
    assert flesch(dense) < 0


def test_every_email_reads_as_plain_english(app, make, clock, db):
    scores: dict[str, float] = {}
    for row in write_every_email(make):
        text = sentences_of_text(row.text_body)
        assert text, row.kind
        score = round(flesch(text), 1)
        scores[row.kind] = min(score, scores.get(row.kind, score))  # the hardest of a kind
    for kind, score in sorted(scores.items(), key=lambda item: item[1]):
        print(f"email {kind}: {score}")
    hard = {kind: score for kind, score in scores.items() if score < PLAIN_ENGLISH}
    assert hard == {}, f"below {PLAIN_ENGLISH}: {hard}"
