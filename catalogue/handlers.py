"""Every job kind of the product and what runs it: the table the entry points (the app's
lifespan, `catalogue worker`) hand the job engine. A kind missing here is never run."""

from __future__ import annotations

from catalogue.delivery import webhooks
from catalogue.jobs import Handler, JobKind
from catalogue.media import chunked, probe, subtitles, transcode
from catalogue.subtitles import burnin, extraction
from catalogue.tours import planning

# Steps of other services that follow media's (media sits below them and cannot name them).
AFTER_READY: tuple[probe.AfterReady, ...] = (extraction.on_asset_ready,)
AFTER_PUBLISH: tuple[subtitles.AfterPublish, ...] = (webhooks.announce_rendition_ready,)

HANDLERS: dict[JobKind, Handler] = {
    probe.KIND: probe.probe_handler(then=AFTER_READY),
    transcode.KIND: transcode.transcode_handler(
        then=AFTER_PUBLISH, split=chunked.split_long_master
    ),
    chunked.CHUNK: chunked.CHUNK_HANDLER,
    chunked.JOIN: chunked.join_handler(then=AFTER_PUBLISH),
    subtitles.KIND: subtitles.delivery_handler(then=AFTER_PUBLISH),
    extraction.KIND: extraction.HANDLER,
    burnin.KIND: burnin.HANDLER,
    webhooks.ANNOUNCE: webhooks.ANNOUNCE_HANDLER,
    webhooks.DELIVER: webhooks.DELIVER_HANDLER,
    planning.KIND: planning.HANDLER,
}
