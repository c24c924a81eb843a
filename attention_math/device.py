"""Choosing the torch device: auto, cpu, cuda, cuda:N."""

from __future__ import annotations

import re

import torch

from .errors import DeviceUnavailableError, InputError

DEVICE_CHOICES = ("auto", "cpu", "cuda", "cuda:N")


def resolve_device(name: str = "auto") -> torch.device:
    """Map a device name to a torch.device; CUDA without a GPU is an error unless the name is 'auto'."""
    name = name.strip().lower()
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cpu":
        return torch.device("cpu")
    match = re.fullmatch(r"cuda(?::(\d+))?", name)
    if not match:
        raise InputError(f"unknown device {name!r}: use auto, cpu, cuda or cuda:N")
    if not torch.cuda.is_available():
        raise DeviceUnavailableError(
            f"device {name!r} was asked for but this machine has no CUDA GPU: use --device cpu (or auto)"
        )
    index = int(match.group(1) or 0)
    count = torch.cuda.device_count()
    if index >= count:
        raise DeviceUnavailableError(f"device {name!r} does not exist: this machine has {count} CUDA device(s), cuda:0…cuda:{count - 1}")
    return torch.device("cuda", index)


def device_label(device: torch.device) -> str:
    """A human name for the device, for labels and benchmark tables."""
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return "CPU"
