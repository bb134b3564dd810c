"""What the lesson is, apart from how it is drawn: the registry of its pages, its
content and the learner's progress, and one plain-Python state object per part.

Nothing here imports Textual: the screens show these objects and send changes to them.
"""
