"""Importing this module registers every subtitle job handler (workers import it at start)."""

from catalogue.subtitles import burnin, delivery, extraction

HANDLER_KINDS = (burnin.JOB_KIND, delivery.JOB_KIND, extraction.JOB_KIND)
