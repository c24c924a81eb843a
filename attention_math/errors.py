"""Errors the math raises for bad input. Each message names the problem and the fix."""

from __future__ import annotations


class AttentionError(Exception):
    """Base class: a problem with the user's input or set-up, not a bug."""


class InputError(AttentionError, ValueError):
    """The sentence, a setting, or a number is not usable as given."""


class ModelUnavailableError(AttentionError):
    """A weight source cannot be loaded (an optional extra is missing)."""


class DeviceUnavailableError(AttentionError):
    """The requested device does not exist on this machine."""
