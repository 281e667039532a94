"""The Danish address parser on 150 addresses as pages write them."""

from __future__ import annotations

import pytest

from normalize.geo.address import parse_address
from tests.normalize.address_cases import CASES


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:50] for c in CASES])
def test_address(text: str, expected: dict[str, str | None]) -> None:
    assert parse_address(text).as_dict() == expected
