"""Two instances on one PostgreSQL and one Redis (tests/support/cluster.py), once per module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cluster import Cluster, running_cluster
from tests.support.postgres import Postgres


@pytest.fixture(scope="module")
def cluster(
    tmp_path_factory: pytest.TempPathFactory, test_bundles: Path, postgres: Postgres
) -> Iterator[Cluster]:
    with running_cluster(tmp_path_factory.mktemp("cluster"), test_bundles, postgres) as cluster:
        yield cluster
