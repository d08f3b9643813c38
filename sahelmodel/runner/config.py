"""Experiment configurations: TOML files with one section per figure, checked key by key.

A configuration is a TOML file with a ``[run]`` section (``seed``: the master seed of the
whole reproduction; ``n_workers``: worker processes, 0 for all CPUs) and one section per figure
named by its number, ``[fig01]`` ... ``[fig10]``. A figure script declares ``DEFAULTS``, the keys
it understands with their default values; a section may set any of them and nothing else. An
unknown section or key, or a value of the wrong type, is a :class:`ConfigError` whose one-line
message names the file, the section and the key. The shipped configurations are
``experiments/configs/tiny.toml`` (every figure in seconds, used by CI) and ``paper.toml``
(the full study); ``--config PATH`` takes any other file, whose missing keys keep the defaults.

Data-file values may start with ``shared:`` (relative to the shared real-data folder,
:func:`sahelmodel._paths.shared_dir`) or ``data:`` (the project's own ``data/`` folder).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sahelmodel._paths import data_dir, experiments_dir, shared_dir

__all__ = ["RUN_DEFAULTS", "ConfigError", "load_config", "resolve_data_path", "section"]

#: Keys of the ``[run]`` section and their defaults.
RUN_DEFAULTS: dict[str, Any] = {"seed": 20240324, "n_workers": 0}

NAMED = ("tiny", "paper")


class ConfigError(ValueError):
    """A configuration file is missing, is not valid TOML, or has a bad section, key or value."""


def load_config(spec: str | Path) -> tuple[dict[str, Any], str]:
    """Read a configuration: ``tiny``, ``paper`` or the path of a TOML file.

    Parameters
    ----------
    spec : str or path
        A shipped configuration name or a file path.

    Returns
    -------
    tuple
        ``(config, source)``: the parsed TOML as a dict, and the file it came from.

    Examples
    --------
    >>> config, source = load_config("tiny")
    >>> source.endswith("tiny.toml"), "run" in config
    (True, True)
    """
    path = experiments_dir() / "configs" / f"{spec}.toml" if str(spec) in NAMED else Path(spec)
    if not path.is_file():
        raise ConfigError(
            f"config file {path} not found (use tiny, paper or the path of a TOML file)"
        )
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not a UTF-8 text file") from None
    for name, value in config.items():
        if not isinstance(value, dict):
            raise ConfigError(f"{path}: top-level key {name!r} must be a [section]")
    return config, str(path)


def _type_ok(default: Any, value: Any) -> bool:
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(default, str):
        return isinstance(value, str)
    if isinstance(default, list):
        if not isinstance(value, list):
            return False
        if default:
            return all(_type_ok(default[0], v) for v in value)
        return True
    return False


def _type_name(default: Any) -> str:
    if isinstance(default, list):
        inner = _type_name(default[0]) if default else "value"
        return f"list of {inner}"
    return {bool: "boolean", int: "integer", float: "number", str: "string"}.get(
        type(default), type(default).__name__
    )


def section(
    config: Mapping[str, Any], name: str, defaults: Mapping[str, Any], *, source: str = "config"
) -> dict[str, Any]:
    """Merge one section of a configuration into its defaults, checking every key and type.

    Parameters
    ----------
    config : dict
        The parsed configuration.
    name : str
        Section name (``run``, ``fig05``, ...).
    defaults : dict
        The keys the section may set, with their default values (whose types are enforced;
        integers are accepted where a float is expected).
    source : str
        The file, for messages.

    Returns
    -------
    dict
        The defaults updated with the section's values (ints given for floats become floats).

    Examples
    --------
    >>> section({"fig05": {"n_rep": 3}}, "fig05", {"n_rep": 200, "end_time": 100.0})
    {'n_rep': 3, 'end_time': 100.0}
    >>> section({"fig05": {"n_reps": 3}}, "fig05", {"n_rep": 200})
    Traceback (most recent call last):
    ...
    sahelmodel.runner.config.ConfigError: config: unknown key 'n_reps' in [fig05]; known keys: n_rep
    """
    given = config.get(name, {})
    out = dict(defaults)
    for key, value in given.items():
        if key not in defaults:
            known = ", ".join(sorted(defaults)) or "(none)"
            raise ConfigError(f"{source}: unknown key {key!r} in [{name}]; known keys: {known}")
        default = defaults[key]
        if not _type_ok(default, value):
            raise ConfigError(
                f"{source}: [{name}] {key} must be a {_type_name(default)}, got {value!r}"
            )
        if isinstance(default, float) and isinstance(value, int):
            value = float(value)
        if isinstance(default, list) and default and isinstance(default[0], float):
            value = [float(v) for v in value]
        out[key] = value
    return out


def check_sections(config: Mapping[str, Any], known: set[str], *, source: str) -> None:
    """Raise :class:`ConfigError` for a section that no figure (and not ``[run]``) declares."""
    unknown = sorted(set(config) - known - {"run"})
    if unknown:
        raise ConfigError(
            f"{source}: unknown section [{unknown[0]}]; known sections: run, "
            f"{', '.join(sorted(known))}"
        )


def resolve_data_path(value: str) -> Path | None:
    """Turn a data-file value into a path (``None`` when ``shared:`` and no shared folder).

    Examples
    --------
    >>> resolve_data_path("data:synthetic/events.csv").name
    'events.csv'
    """
    if value.startswith("shared:"):
        root = shared_dir()
        return None if root is None else root / value[len("shared:"):]
    if value.startswith("data:"):
        return data_dir() / value[len("data:"):]
    return Path(value).expanduser()
