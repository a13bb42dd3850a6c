"""A quicker `__init__` for the reader's small frozen dataclasses.

A frozen dataclass sets each field with `object.__setattr__`, a generic call per
field; a reading makes a dozen such records (clauses, states, cues, the reading).
`quick_init` gives the class an `__init__` that stores the fields straight into the
instance's `__dict__`: the same parameters, defaults and order, the same instance
(equality, hashing, `replace`, the frozen `__setattr__` are the dataclass's own).
It is made from the class's fields, so a field added later is taken in
(decision 0171).
"""

from __future__ import annotations

from dataclasses import MISSING, fields


def quick_init(cls: type) -> type:
    """Replace a frozen dataclass's `__init__` (no `__post_init__`, no default
    factories, every field in `__init__`)."""
    params, body, defaults = [], [], {}
    for f in fields(cls):
        if f.default_factory is not MISSING or not f.init or f.kw_only:
            raise TypeError(f"quick_init: {cls.__name__}.{f.name} needs the dataclass __init__")
        if f.default is MISSING:
            params.append(f.name)
        else:
            defaults[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        body.append(f"    d[{f.name!r}] = {f.name}\n")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"quick_init: {cls.__name__} has a __post_init__")
    source = f"def __init__(self, {', '.join(params)}):\n    d = self.__dict__\n{''.join(body)}"
    namespace = dict(defaults)
    exec(source, namespace)  # noqa: S102 (made from the class's own field names)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    cls.__init__ = init
    return cls
