import pytest

from ..factories import CommuneFactory


@pytest.fixture
def saint_jean(loiret_department):
    return CommuneFactory(
        insee_code="45284", name="Saint-Jean-de-Braye", department=loiret_department,
        postal_codes=" 45800 ", population=21000,
    )  # fmt: skip


@pytest.fixture
def saint_jean_de_la_ruelle(loiret_department):
    return CommuneFactory(
        insee_code="45285", name="Saint-Jean-de-la-Ruelle", department=loiret_department,
        postal_codes=" 45140 ", population=16000,
    )  # fmt: skip
