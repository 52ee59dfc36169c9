"""Atomic requests: an undo journal, written at the few primitives every change to the emulator's state goes through.

A request is served inside :func:`transaction`. Each write made meanwhile records, just before it happens, how to
take it back; if the request fails (an API error, a script error, or a bug of ours), the journal undoes every
write, newest first, and the state is as it was. Nothing is copied up front, so a request costs what it changes,
not what the emulator holds.

The primitives are:

* :class:`JDict` and :class:`JList`: the containers of the state (the backend's registries, and every ``dict``
  and ``list`` a model object holds as an attribute) record their own changes;
* :class:`Journaled`: the base of the model dataclasses, whose ``__setattr__`` records an attribute's old value
  (and makes a ``dict``/``list`` assigned to it a journaled one);
* :func:`keep`: for a container nested deeper inside a stored object (a step's tool calls, a message part), called
  just before it is changed in place;
* :func:`record`: the primitive under all of them, for any other structure (an id stream, an index kept beside
  the registries): a structure that changes through it is undone with the rest.

Outside a transaction (a test's own Python calls, a stream read after its response was sent) nothing is recorded.
Which journal is active is a context variable, set for the duration of one request and reset after it: each
thread (and each task) has its own.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import MISSING, Field, dataclass, fields
from typing import Any, SupportsIndex, TypeVar, dataclass_transform

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")
Undo = Callable[[], object]
_MISSING: Any = object()


class Journal:
    """The undo steps of one request, oldest first. ``fault`` (a test seam) is called before every write."""

    def __init__(self, fault: Callable[[], None] | None = None) -> None:
        self.undo: list[Undo] = []
        self.fault = fault
        self.ordered: set[int] = set()  # the dicts whose key order is saved (at their first deletion)
        self.fresh: set[int] = set()  # the model objects made during the request: they go with it, unrecorded

    def record(self, undo: Undo) -> None:
        if self.fault is not None:
            self.fault()  # raising here stops the write before it happens, as a bug at this spot would
        self.undo.append(undo)

    def rollback(self) -> None:
        while self.undo:
            self.undo.pop()()


_ACTIVE: ContextVar[Journal | None] = ContextVar("fake_assistants_journal", default=None)


def record(undo: Undo) -> None:
    """Record how to take back the write about to happen (nothing, outside a transaction)."""
    journal = _ACTIVE.get()
    if journal is not None:
        journal.record(undo)


def active() -> bool:
    return _ACTIVE.get() is not None


class transaction(Journal):  # lower case: it reads as the function it was, ``with transaction():``
    """Apply the block's writes completely, or (when it raises) not at all: the journal of the block.

    Entering and leaving costs two calls and one object, which is all a request that writes nothing (a read) pays
    for the journal."""

    def __enter__(self) -> Journal:
        self.token = _ACTIVE.set(self)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: object) -> None:
        try:
            if kind is not None:
                self.fault = None
                self.rollback()
        finally:
            _ACTIVE.reset(self.token)


def journaled(value: Any) -> Any:
    """A plain ``dict`` or ``list`` as a journaled one (a shallow copy: what it holds is shared)."""
    kind = type(value)
    if kind is dict:
        return JDict(value)
    if kind is list:
        return JList(value)
    return value


def keep(value: dict[Any, Any] | list[Any]) -> None:
    """About to change ``value`` (a container nested inside a stored object) in place: record its contents, so
    that a failed request puts them back. Containers a request creates need not be kept: they go with it."""
    if _ACTIVE.get() is None:
        return
    saved = copy.deepcopy(value)
    if isinstance(value, dict):
        record(lambda: (dict.clear(value), dict.update(value, saved)))
    else:
        record(lambda: list.__setitem__(value, slice(None), saved))


class JDict(dict[K, V]):
    """A ``dict`` that records its changes in the active journal."""

    def _undo_key(self, key: K, deleting: bool = False) -> None:
        journal = _ACTIVE.get()
        if journal is None:
            return
        old = dict.get(self, key, _MISSING)
        if old is _MISSING:
            record(lambda: dict.pop(self, key, None))
            return
        if deleting and id(self) not in journal.ordered:
            # A deleted key comes back at the end: put the keys back in their order, once all else is undone
            # (one copy of the key order per dict and request that deletes, none for the others).
            journal.ordered.add(id(self))
            order = list(self)
            record(lambda: self._reorder(order))
        record(lambda: dict.__setitem__(self, key, old))

    def _reorder(self, order: list[K]) -> None:
        present = set(order)
        items = [(key, dict.__getitem__(self, key)) for key in order if key in self]
        items += [(key, value) for key, value in dict.items(self) if key not in present]
        dict.clear(self)
        dict.update(self, items)

    def __setitem__(self, key: K, value: V) -> None:
        self._undo_key(key)
        dict.__setitem__(self, key, value)

    def __delitem__(self, key: K) -> None:
        if key in self:
            self._undo_key(key, deleting=True)
        dict.__delitem__(self, key)

    def pop(self, key: K, *default: Any) -> Any:
        if key in self:
            self._undo_key(key, deleting=True)
        return dict.pop(self, key, *default)

    def popitem(self) -> tuple[K, V]:
        key = next(reversed(self))
        return key, self.pop(key)

    def setdefault(self, key: K, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return dict.__getitem__(self, key)

    def update(self, *args: Any, **kwargs: Any) -> None:
        if _ACTIVE.get() is None:  # nothing to record (a restore, a test's own Python calls): in bulk
            dict.update(self, *args, **kwargs)
            return
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def clear(self) -> None:
        if _ACTIVE.get() is not None:
            saved = dict(self)
            record(lambda: (dict.clear(self), dict.update(self, saved)))
        dict.clear(self)

    def __ior__(self, other: Any) -> JDict[K, V]:  # type: ignore[override,misc]
        self.update(other)
        return self


class JList(list[T]):
    """A ``list`` that records its changes in the active journal."""

    def _undo_tail(self) -> None:
        if _ACTIVE.get() is not None:
            size = len(self)
            record(lambda: list.__delitem__(self, slice(size, None)))

    def _undo_all(self) -> None:
        if _ACTIVE.get() is not None:
            saved = list(self)
            record(lambda: list.__setitem__(self, slice(None), saved))

    def append(self, value: T) -> None:
        self._undo_tail()
        list.append(self, value)

    def extend(self, values: Iterable[T]) -> None:
        self._undo_tail()
        list.extend(self, values)

    def __iadd__(self, values: Iterable[T]) -> JList[T]:  # type: ignore[override,misc]
        self.extend(values)
        return self

    def insert(self, index: SupportsIndex, value: T) -> None:
        self._undo_all()
        list.insert(self, index, value)

    def remove(self, value: T) -> None:
        index = self.index(value)
        self.pop(index)

    def pop(self, index: SupportsIndex = -1) -> T:
        position = index.__index__()
        if position < 0:
            position += len(self)
        if _ACTIVE.get() is not None and 0 <= position < len(self):
            old = list.__getitem__(self, position)
            record(lambda: list.insert(self, position, old))
        return list.pop(self, index)

    def __setitem__(self, index: Any, value: Any) -> None:
        self._undo_all()
        list.__setitem__(self, index, value)

    def __delitem__(self, index: Any) -> None:
        self._undo_all()
        list.__delitem__(self, index)

    def clear(self) -> None:
        self._undo_all()
        list.clear(self)

    def sort(self, *args: Any, **kwargs: Any) -> None:
        self._undo_all()
        list.sort(self, *args, **kwargs)

    def reverse(self) -> None:
        self._undo_all()
        list.reverse(self)


def builder(
    cls: type[T],
    names: Sequence[str],
    *,
    empty: Mapping[str, Any] | None = None,
    convert: Mapping[str, Callable[[Any], Any]] | None = None,
) -> Callable[[Sequence[Any]], T]:
    """A function making an object of the slotted :class:`Journaled` dataclass ``cls`` from the values of ``names``
    (every field, in that order), for a restore of many objects: its containers are made journaled ones, as
    ``__setattr__`` would make them, with no call of it per field. Nothing is recorded: a new object needs no undo.

    The function is generated once per class and column order, as ``dataclasses`` generates ``__init__``: one
    straight line per field, storing through the field's slot, and a container check only for the fields whose
    annotation admits a ``list`` or ``dict`` (a quarter of the cost of ``object.__setattr__`` in a loop).
    ``empty`` names fields whose falsy value (``None``, ``[]``) becomes the given shared value; ``convert``, fields
    whose value goes through the given function first.
    """
    empty, convert = empty or {}, convert or {}
    containers = set(cls.containers)  # type: ignore[attr-defined]  # set by journaled_dataclass
    slots = {name: getattr(cls, name) for name in names}  # an AttributeError names a field the class lacks
    unpack = "".join(f"v{index}, " for index in range(len(names)))
    lines = ["def build(values):", f"    {unpack}= values", "    built = new(cls)"]
    for index, name in enumerate(names):
        value = f"v{index}"
        if name in convert:
            lines.append(f"    {value} = convert{index}({value})")
        if name in empty:
            lines.append(f"    {value} = {value} or empty{index}")
        if name in containers:
            value = _journaled_source(value)
        lines.append(f"    set{index}(built, {value})")
    lines.append("    return built")
    scope: dict[str, Any] = {"new": object.__new__, "cls": cls, **_JOURNALED_SCOPE}
    scope.update((f"set{index}", slots[name].__set__) for index, name in enumerate(names))
    scope.update((f"convert{index}", convert[name]) for index, name in enumerate(names) if name in convert)
    scope.update((f"empty{index}", empty[name]) for index, name in enumerate(names) if name in empty)
    exec("\n".join(lines), scope)  # our own text: no field name reaches it, only positions
    made: Callable[[Sequence[Any]], T] = scope["build"]
    return made


# Words in a field's annotation that admit a container value (``list[...]``, ``dict[...]``, ``JsonDict``, ``Any``).
_CONTAINER_WORDS = ("list", "dict", "Dict", "Json", "Any")


def _journaled_source(value: str) -> str:
    """Generated code for :func:`journaled` of ``value`` (a local name), inline: no call per field. Its names start
    with "_", as no field's does (a field may be called ``type``); they are :data:`_JOURNALED_SCOPE`."""
    return f"_JList({value}) if _type({value}) is list else _JDict({value}) if _type({value}) is dict else {value}"


_JOURNALED_SCOPE: dict[str, Any] = {"_JList": JList, "_JDict": JDict, "_type": type}


class Journaled:
    """A base for mutable model dataclasses: setting an attribute records its old value; a ``dict`` or ``list``
    assigned is made a journaled one, so changes made inside it are recorded too. Declare one with
    :func:`journaled_dataclass`."""

    __slots__ = ()
    containers: tuple[str, ...] = ()  # the fields whose annotation admits a ``dict`` or ``list``

    def __post_init__(self) -> None:
        for name in self.containers:  # as __setattr__ would have made them
            value = getattr(self, name)
            kind = type(value)
            if kind is dict or kind is list:
                object.__setattr__(self, name, JDict(value) if kind is dict else JList(value))

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        made = object.__new__(cls)
        journal = _ACTIVE.get()
        if journal is not None:
            journal.fresh.add(id(made))
        return made

    def __setattr__(self, name: str, value: Any) -> None:
        journal = _ACTIVE.get()
        if journal is not None:
            if id(self) not in journal.fresh:
                old = getattr(self, name, _MISSING)
                if old is not _MISSING:
                    journal.record(lambda: object.__setattr__(self, name, old))
            elif journal.fault is not None:  # an object the request made goes with it: no undo, yet still a write
                journal.fault()
        object.__setattr__(self, name, journaled(value))


@dataclass_transform()
def journaled_dataclass(cls: type[T]) -> type[T]:
    """A slotted dataclass of the state (a :class:`Journaled` subclass) whose ``__init__`` stores each field
    straight through its slot, as a frozen dataclass's does, its containers made journaled ones after: a new object
    is not a dozen recorded assignments. Every later assignment goes through :meth:`Journaled.__setattr__`."""
    made = dataclass(slots=True, frozen=True)(cls)
    del made.__setattr__  # thawed: Journaled's own
    del made.__delattr__
    made.__hash__ = None  # type: ignore[assignment,method-assign]  # as a mutable dataclass: unhashable
    declared = fields(made)  # type: ignore[arg-type]
    made.containers = tuple(  # type: ignore[attr-defined]
        item.name for item in declared if any(word in str(item.type) for word in _CONTAINER_WORDS)
    )
    plain = getattr(made, "__post_init__", None) is Journaled.__post_init__
    if plain and all(item.init and not item.kw_only for item in declared):
        made.__init__ = _slot_init(made, declared)  # type: ignore[method-assign]
    return made


class _Factory:
    def __repr__(self) -> str:
        return "<factory>"  # as dataclasses shows it in the signature


_DEFAULT: Any = _Factory()  # a field left to its default factory


def _slot_init(cls: type, declared: tuple[Field[Any], ...]) -> Callable[..., None]:
    """The ``__init__`` of a journaled dataclass, generated as :func:`builder`'s function is: the dataclass's
    signature (defaults, default factories), each field stored through its slot, each container made a journaled
    one on the way (what ``__post_init__`` does after ``dataclasses``' own ``__init__``), in one pass."""
    containers = set(cls.containers)  # type: ignore[attr-defined]
    # the generated names start with "_", which no field's does (a field may be called ``type``)
    scope: dict[str, Any] = {"_DEFAULT": _DEFAULT, **_JOURNALED_SCOPE}
    parameters, lines = [], []
    for index, item in enumerate(declared):
        name = item.name
        if item.default is not MISSING:
            parameters.append(f"{name}=_default{index}")
            scope[f"_default{index}"] = item.default
        elif item.default_factory is not MISSING:
            parameters.append(f"{name}=_DEFAULT")
            scope[f"_factory{index}"] = item.default_factory
            lines.append(f"    if {name} is _DEFAULT: {name} = _factory{index}()")
        else:
            parameters.append(name)
        value = name
        if name in containers:
            value = _journaled_source(name)
        lines.append(f"    _set{index}(self, {value})")
        scope[f"_set{index}"] = getattr(cls, name).__set__
    source = "\n".join([f"def __init__(self, {', '.join(parameters)}):", *lines])
    exec(source, scope)  # our own text: field names (identifiers, as the class declares them) and positions
    init: Callable[..., None] = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init
