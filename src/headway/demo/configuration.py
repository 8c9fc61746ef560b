"""The demo authority's own configuration (its categorisation policy, its KPI set), shipped in
``data/demo/config`` and copied into the configuration folder, never over a file an LA already has there."""

from __future__ import annotations

from pathlib import Path

from headway import configuration


def configuration_copy(shipped: Path) -> list[str]:
    """Copies each shipped YAML file that the configuration folder lacks; returns the files copied. Nothing is
    copied when the folder is the shipped one (as in the tests)."""
    target = configuration.config_dir()
    if target.resolve() == shipped.resolve():
        return []
    copied = []
    for source in sorted(shipped.rglob("*.yaml")):
        destination = target / source.relative_to(shipped)
        if destination.exists():
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(source.read_bytes())
        copied.append(str(destination.relative_to(target)))
    return copied
