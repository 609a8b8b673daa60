"""Qt views, dialogs and actions over the core: the only package that imports Qt."""
