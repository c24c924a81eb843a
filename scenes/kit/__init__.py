"""The kit scenes are built from: the base scene, the mobjects, the palette, text and settings."""
