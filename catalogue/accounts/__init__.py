"""Users and their API tokens: shared by the API, the pages and the CLI."""
