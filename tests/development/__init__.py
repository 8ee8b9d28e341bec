"""The pages and commands for a developer's own computer (issue 15, items 22 to 25)."""
