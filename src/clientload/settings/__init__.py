"""The model's settings: defaults, the `clientload.toml` loader and its validation.

The packaged `default.toml` is both the documented template that `clientload init` writes and the
source of every default, so the two cannot drift apart.
"""

from clientload.settings.loader import (
    DRIVERS,
    Activity,
    Department,
    Settings,
    SettingsError,
    default_settings,
    default_toml_text,
    load_settings,
    parse_settings,
)

__all__ = [
    "DRIVERS",
    "Activity",
    "Department",
    "Settings",
    "SettingsError",
    "default_settings",
    "default_toml_text",
    "load_settings",
    "parse_settings",
]
