"""Both storage back-ends, the S3 one against moto's S3-protocol server over real HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalogue.settings import Settings
from catalogue.storage import Storage, make_storage
from tests.support.s3 import s3_endpoint, s3_settings  # noqa: F401  (s3_endpoint: a fixture)


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    local = Settings(data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    if request.param == "local":
        return make_storage(local)
    return make_storage(s3_settings(local, request.getfixturevalue("s3_endpoint")))
