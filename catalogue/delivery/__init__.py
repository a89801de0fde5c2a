"""Delivery to partners: the partner catalogue, signed expiring links and the bytes behind them
(HTTP Range; presigned object-storage URLs in the scale-out form), delivery manifests with
EBUCore metadata, signed webhooks, and the audit log with quotas."""
