"""Content kinds and the feature manifest: the one way a feature plugs into the core."""
