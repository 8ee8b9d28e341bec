"""What the service sends: composing emails, calendar invitations, and sending over SMTP."""
