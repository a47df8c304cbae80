import pytest

from mantle_console import Mantle


@pytest.fixture
def boot_mantle():
    """Factory: boot_mantle(gic=, cpu=, smp=) -> a booted Mantle at its prompt."""
    started = []

    def boot(**kw):
        m = Mantle(**kw)
        started.append(m)
        return m.boot()

    yield boot
    for m in started:
        m.close()
