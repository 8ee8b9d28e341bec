"""Messages that arrive at the training mailbox: fetching, parsing and understanding them."""
