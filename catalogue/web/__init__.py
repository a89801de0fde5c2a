"""Web pages for editors, programmers and partners: server-rendered, with a little JavaScript."""
