"""Helpers shared by the test folders: clips, ready assets, servers, S3 and the tiny ladder."""
