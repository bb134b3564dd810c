"""A Static that repaints only when what it shows really changes."""

from __future__ import annotations

from textual.content import Content
from textual.css.scalar import Unit
from textual.widget import Widget
from textual.widgets import Static


class QuietStatic(Static):
    """A Static that ignores updates that would not change what it shows."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._shown: object = None

    def show(self, content: Content | str) -> None:
        """Show `content` unless it is already shown (saves a repaint over SSH).

        A layout pass is asked for only when the new text needs a different number
        of rows (a guidance line that now wraps to two): a layout pass costs
        milliseconds and can repaint whole neighbouring boxes, which over SSH is
        kilobytes a key.
        """
        if content == self._shown:
            return
        self._shown = content
        if self.has_fixed_size:
            self.update(content, layout=False)
            return
        rows, width = self.content_region.height, self.content_region.width
        self.update(content, layout=False)
        if not self._needs_rows(rows, width):
            self.refresh(layout=True)

    def _needs_rows(self, rows: int, width: int) -> bool:
        """Whether the text shown now needs exactly `rows` rows at `width` columns."""
        auto_width = self.styles.width is not None and self.styles.width.unit == Unit.AUTO
        if not self.is_mounted or not width or auto_width:
            return False
        parent = self.parent
        container = parent.content_region.size if isinstance(parent, Widget) else self.app.size
        return self.get_content_height(container, self.app.size, width) == rows

    @property
    def has_fixed_size(self) -> bool:
        """Whether new text cannot change this widget's size (so no layout pass is needed)."""
        height, width = self.styles.height, self.styles.width
        return (
            height is not None
            and height.unit == Unit.CELLS
            and (width is None or width.unit != Unit.AUTO)
        )
