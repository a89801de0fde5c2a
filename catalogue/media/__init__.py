"""The media workflow of a master: probe -> transcode -> subtitle delivery into the HLS ladder,
each step queuing the next explicitly (`probe.mark_ready` queues the transcode; the transcode
delivers the subtitle groups again; the subtitles service queues delivery when it publishes).
`config` is the one place the settings become the transcoder's."""
