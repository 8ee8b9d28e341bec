"""Documents the service makes as files (certificates as PDF): pure builders, no rules."""
