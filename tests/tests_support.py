"""Small helpers shared by tests."""


def replace_once(text: str, old: str, new: str) -> str:
    """Replace exactly one occurrence, so a test cannot silently edit nothing."""
    assert text.count(old) == 1, f"expected exactly one {old!r}"
    return text.replace(old, new)
