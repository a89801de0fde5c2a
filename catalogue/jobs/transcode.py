"""The "transcode_asset" handler: renditions of an asset's master (built once assets land)."""
