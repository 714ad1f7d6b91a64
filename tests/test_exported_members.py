"""The public API is exactly what __all__ says."""

import sheetsync


def test_public_api_is_locked() -> None:
    assert sheetsync.__all__ == ["SheetsyncError", "__version__", "find_form", "list_forms", "read_filled",
                                 "validate", "write_template"]
    for name in sheetsync.__all__:
        assert hasattr(sheetsync, name)
