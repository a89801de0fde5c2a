"""Campaigns and collections that group titles."""
