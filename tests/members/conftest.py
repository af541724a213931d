import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded documents go to a fresh directory per test, never to the real MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def stored_files(media_root):
    def files() -> list:
        return (
            sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []
        )

    return files
