"""Fixtures of the flow tests: the sandbox store (from the BigCommerce tests) and AS2 identities."""

from __future__ import annotations

import pytest

from tests.bigcommerce.conftest import config, sandbox
from tests.support.certs import Identity as Keys
from tests.support.certs import identity

__all__ = ["config", "keys", "sandbox"]


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Keys]:
    """The hub's and the network's AS2 key pairs."""
    base = tmp_path_factory.mktemp("keys")
    return {name: identity(name, base) for name in ("GRIDLINK", "TRADINGGRID")}
