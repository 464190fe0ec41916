"""The project's own error type, shared by the ML core and the web app.

Every error a user can cause (bad strokes, absurd coordinates, a malformed message) is raised as a
``DrawsiteError`` carrying a stable machine-readable ``code``; edges catch only this type.
"""


class DrawsiteError(ValueError):
    """A user-caused error with a stable ``code`` (documented in docs/protocol.md)."""

    code = "bad_request"

    def __init__(self, detail: str, *, code: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code


class InvalidDrawing(DrawsiteError):
    """Strokes that cannot be simplified or rasterized (non-finite, absurd, malformed)."""

    code = "bad_points"
