"""A Static that repaints only when what it shows really changes."""

from __future__ import annotations

from textual.content import Content
from textual.css.scalar import Unit
from textual.widgets import Static


class QuietStatic(Static):
    """A Static that ignores updates that would not change what it shows."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._shown: object = None

    def show(self, content: Content | str) -> None:
        """Show `content` unless it is already shown (saves a repaint over SSH)."""
        if content == self._shown:
            return
        self._shown = content
        self.update(content, layout=not self.has_fixed_size)

    @property
    def has_fixed_size(self) -> bool:
        """Whether new text cannot change this widget's size (so no layout pass is needed).

        A layout pass costs milliseconds and can repaint whole neighbouring boxes,
        which over SSH is kilobytes a key.
        """
        height, width = self.styles.height, self.styles.width
        return (
            height is not None
            and height.unit == Unit.CELLS
            and (width is None or width.unit != Unit.AUTO)
        )
