"""Titles, series and episodes: listing with filters and search, workflow, public shape."""
