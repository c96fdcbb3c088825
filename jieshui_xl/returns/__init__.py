"""Consolidation: returned workbooks → :class:`~jieshui_xl.data.Collection` (see :mod:`.folder`).

The package itself imports nothing: a reader worker (:mod:`.isolate`, :mod:`.parse` and the format
readers) must start without the rest of the pipeline.  Its public names load on first use.
"""

_NAMES = {"collect": "folder", "collect_by_city": "folder", "identify_file": "folder", "CitySplit": "folder",
          "STALE_TMP": "folder", "TMP_PREFIX": "folder", "Progress": "folder", "Limits": "limits",
          "Expect": "identify"}

__all__ = sorted(_NAMES)

from ..lazy import lazy_names  # noqa: E402

_lazy = lazy_names(__name__, _NAMES)


def __getattr__(name: str):
    return _lazy(name)
