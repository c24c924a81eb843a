"""Choosing the torch device: auto, cpu, cuda, cuda:N."""

from __future__ import annotations

import glob
import os
import re
from typing import TYPE_CHECKING

from .errors import DeviceUnavailableError, InputError

if TYPE_CHECKING:
    import torch

DEVICE_CHOICES = ("auto", "cpu", "cuda", "cuda:N")
_CUDA = re.compile(r"cuda(?::(\d+))?")


def _no_cuda(name: str) -> DeviceUnavailableError:
    return DeviceUnavailableError(f"device {name!r} was asked for but this machine has no CUDA GPU: "
                                  "use --device cpu (or auto)")


def gpu_driver_present() -> bool:
    """Whether this machine shows a GPU driver (NVIDIA's, or ROCm's): without one, CUDA cannot be available."""
    return (os.path.exists("/proc/driver/nvidia/version") or bool(glob.glob("/dev/nvidia[0-9]*"))
            or os.path.exists("/dev/kfd"))


def check_device_name(name: str) -> str:
    """The device name, checked without importing torch: its form, and CUDA where no GPU driver is
    present at all (``auto`` never fails). Whether torch itself sees the GPU is ``resolve_device``'s check.

    >>> check_device_name(" CPU ")
    'cpu'
    """
    name = name.strip().lower()
    if name in ("auto", "cpu"):
        return name
    if not _CUDA.fullmatch(name):
        raise InputError(f"unknown device {name!r}: use auto, cpu, cuda or cuda:N")
    if not gpu_driver_present():
        raise _no_cuda(name)
    return name


def resolve_device(name: str = "auto") -> torch.device:
    """Map a device name to a torch.device; CUDA without a GPU is an error unless the name is 'auto'."""
    import torch

    name = check_device_name(name)
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cpu":
        return torch.device("cpu")
    if not torch.cuda.is_available():
        raise _no_cuda(name)
    index = int(_CUDA.fullmatch(name).group(1) or 0)
    count = torch.cuda.device_count()
    if index >= count:
        raise DeviceUnavailableError(f"device {name!r} does not exist: this machine has {count} CUDA device(s), cuda:0…cuda:{count - 1}")
    return torch.device("cuda", index)


def device_label(device: torch.device) -> str:
    """A human name for the device, for labels and benchmark tables."""
    import torch

    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return "CPU"
