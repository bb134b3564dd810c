"""The lesson's screens: `parts/` holds the pages, `dialogs/` the overlays over them."""
