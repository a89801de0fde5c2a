"""The service side of subtitles: tracks per title, language and kind (stored as normalised
WebVTT beside the original), QC and the publish gate, retiming revisions, HLS delivery into
the rendition sets' master playlists, sidecar files, embedded-stream extraction and burn-in.

The text work itself is `transcoder.subtitles`; this package adds rows, storage and jobs.
"""
