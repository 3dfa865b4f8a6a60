"""Framework templates (one TOML file per framework in this package) and their loader."""

from commitments.frameworks.loader import (
    FrameworkFileError,
    FrameworkSpec,
    available_frameworks,
    framework_names,
    load_framework,
    read_framework_file,
)

__all__ = [
    "FrameworkFileError",
    "FrameworkSpec",
    "available_frameworks",
    "framework_names",
    "load_framework",
    "read_framework_file",
]
