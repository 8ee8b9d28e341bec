"""Email tests use the loopback SMTP server and the sending app from tests/conftest.py."""

MAILBOX = "SignsOfSafety@cumbria.gov.uk"
SENDER = "Signs of Safety training <no-reply@cumbria.gov.uk>"
