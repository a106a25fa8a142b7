"""Names for modules and classes that are imported when first used, not when named.

The route modules declare 93 routes; importing every model and rule behind them made `import app`
(every Lambda cold start) about 2.5x a bare Chalice import. A route module names what it needs with
`lazy(...)`; the first call that reaches a name imports its module, once (Python caches it)."""
from __future__ import annotations

import importlib
from typing import Any


class Lazy:
    """A module (`lazy("chalicelib.kpis.service")`) or one of its attributes
    (`lazy("chalicelib.kpis.schemas", "Kpi")`): attribute access and calls go to the real object."""

    __slots__ = ("_module", "_name", "_target")

    def __init__(self, module: str, name: str | None = None):
        self._module, self._name, self._target = module, name, None

    def resolve(self) -> Any:
        if self._target is None:
            module = importlib.import_module(self._module)
            self._target = module if self._name is None else getattr(module, self._name)
        return self._target

    def __getattr__(self, attr: str) -> Any:
        return getattr(self.resolve(), attr)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.resolve()(*args, **kwargs)

    def __repr__(self) -> str:
        return f"lazy({self._module}{':' + self._name if self._name else ''})"


def lazy(module: str, *names: str) -> Any:
    """`lazy(m)` the module; `lazy(m, "A")` one attribute; `lazy(m, "A", "B")` a tuple of them."""
    if not names:
        return Lazy(module)
    if len(names) == 1:
        return Lazy(module, names[0])
    return tuple(Lazy(module, name) for name in names)


def resolved(value: Any) -> Any:
    """The real object behind a `Lazy`, anything else as it is."""
    return value.resolve() if isinstance(value, Lazy) else value
