"""The machinery that turns a scene into files: render requests, settings files, reports, slides."""
