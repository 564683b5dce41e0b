def wants_fragment(request) -> bool:
    """True for an htmx swap; history restores also send HX-Request but need the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request
