"""Escaping text for HTML that Python code builds (template tags that write many rows).

Domain-free: imports nothing of the project.
"""

from html import escape as _escape


def escape_text(value) -> str:
    """What {{ value }} writes: safe text (anything with __html__) as it is, anything else as
    text with & < > " ' escaped. django.utils.html.conditional_escape does the same behind a
    lazy-text wrapper that costs more than the escaping when it runs thousands of times."""
    if type(value) is str:  # the common case, and never safe text (a str subclass)
        return _escape(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape(str(value))
