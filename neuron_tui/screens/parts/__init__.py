"""The lesson's pages: the opening, one file a part, and the completion screen."""
