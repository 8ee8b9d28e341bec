"""Flask-WTF forms, one module per area: the shape of input, never database rules."""
