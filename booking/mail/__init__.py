"""Mail in and out of the training mailbox, as builders and adapters around the services.

- `inbound/`: messages that arrive: `fetching` (IMAP), `parsing` (a raw message into what
  the sender wrote, safely) and `understanding` (what they seem to want). The mailbox
  service (services/mailbox*) decides what to do.
- `outbound/`: what the service sends: `composing` (each email, written to the outbox),
  `invitations` (calendar invitations and the course feed) and `sending` (the SMTP side
  of the outbox).
"""
