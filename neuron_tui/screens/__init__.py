"""The lesson's screens: the opening, one file a part, completion and overlays."""
