"""Source content: one folder per occupation scene (scene.yaml + model or generator)."""
