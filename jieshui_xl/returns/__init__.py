"""Consolidation: returned workbooks → :class:`~jieshui_xl.data.Collection` (see :mod:`.folder`).

The package itself imports nothing: a reader worker (:mod:`.isolate`, :mod:`.parse` and the format
readers) must start without the rest of the pipeline.  Its public names load on first use.
"""

_NAMES = {"collect": "folder", "collect_by_city": "folder", "identify_file": "folder", "CitySplit": "folder",
          "STALE_TMP": "folder", "TMP_PREFIX": "folder", "Progress": "folder", "Limits": "limits",
          "Expect": "identify"}

__all__ = sorted(_NAMES)


def __getattr__(name: str):
    if name not in _NAMES:
        raise AttributeError(f"module 'jieshui_xl.returns' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{_NAMES[name]}", __name__), name)
    globals()[name] = value
    return value
