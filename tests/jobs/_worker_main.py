"""`catalogue worker` with the tests' table (the product's kinds plus the test kinds), for tests
that run a real worker process: `python _worker_main.py [--until-idle] [--concurrency=N]`."""

from __future__ import annotations

import argparse

from _job_handlers import JOBS

from catalogue.jobs.cli import run_worker
from catalogue.settings import get_settings
from catalogue.storage import make_storage

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--until-idle", action="store_true")
    parser.add_argument("--concurrency", type=int, default=None)
    args = parser.parse_args()
    run_worker(get_settings(), JOBS, make_storage, args.concurrency, args.until_idle)
