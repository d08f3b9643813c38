"""Run a list of independent tasks on a scheduler, reproducibly and resumably.

A *sweep* is a function ``fn(rng, **params)`` and a list of tasks (a replication, a bootstrap
draw, a parameter point), each a key and a dict of parameters. Task ``i`` receives its own
generator built from child ``i`` of one :class:`numpy.random.SeedSequence`::

    seed_i = SeedSequence(entropy, spawn_key=parent_spawn_key + (i,))

which is exactly ``SeedSequence(entropy, spawn_key=parent_spawn_key).spawn(n)[i]``. Its
random numbers therefore depend only on the sweep seed and the task's position in the list,
never on the order in which tasks finish or on the process or machine that runs them, so the
``serial``, ``processes``, ``dask-local`` and ``dask://HOST:PORT`` schedulers give identical
numbers.

With an output folder, every finished task is written atomically to its own JSON file as soon
as it finishes (see :mod:`sahelmodel.runner._store`). ``resume=True`` reads the finished tasks
back and runs only the others; a sweep killed at any instant and resumed ends with exactly the
results of an uninterrupted run. Results always pass through the JSON form, also when fresh,
so a fresh and a resumed run return identical Python objects.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sahelmodel.runner._store import RunnerError, SweepStore, fingerprint, roundtrip

__all__ = ["SCHEDULERS", "Runner", "Task", "TaskError", "parse_scheduler", "run_tasks", "task_seed"]

#: Scheduler names accepted by :func:`parse_scheduler` (plus ``dask://HOST:PORT``).
SCHEDULERS: tuple[str, ...] = ("serial", "processes", "dask-local")

#: Seconds to wait for a ``dask://HOST:PORT`` scheduler to answer.
DASK_CONNECT_TIMEOUT = 10.0

_DASK_HINT = (
    "the {name} scheduler needs Dask distributed, which is not installed; install it with "
    "pip install 'sahelmodel[distributed]' (or pip install 'dask[distributed]')"
)


class TaskError(RunnerError):
    """A task raised an exception; finished tasks are kept, so the sweep can be resumed."""


@dataclass(frozen=True)
class Task:
    """One unit of work of a sweep.

    Parameters
    ----------
    key : str
        Unique, file-name-safe name (letters, digits, ``-``, ``_``, ``.``).
    params : dict
        Keyword arguments passed to the task function (JSON-like values).
    """

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.key or not all(c.isalnum() or c in "-_." for c in self.key):
            raise RunnerError(f"task key {self.key!r} must be letters, digits, '-', '_' or '.'")


def parse_scheduler(spec: str) -> tuple[str, str | None]:
    """Split a scheduler name into ``(kind, address)``.

    Parameters
    ----------
    spec : str
        ``serial``, ``processes``, ``dask-local`` or ``dask://HOST:PORT``.

    Returns
    -------
    tuple
        ``(kind, address)`` with ``kind`` one of :data:`SCHEDULERS` or ``"dask"``; the address
        is ``tcp://HOST:PORT`` for ``dask://`` and ``None`` otherwise.

    Examples
    --------
    >>> parse_scheduler("dask://10.0.0.5:8786")
    ('dask', 'tcp://10.0.0.5:8786')
    """
    if spec in SCHEDULERS:
        return spec, None
    if spec.startswith("dask://"):
        hostport = spec[len("dask://"):]
        host, _, port = hostport.rpartition(":")
        if not host or not port.isdigit():
            raise RunnerError(f"scheduler {spec!r}: expected dask://HOST:PORT, e.g. dask://localhost:8786")
        return "dask", f"tcp://{hostport}"
    raise RunnerError(
        f"unknown scheduler {spec!r}; choose serial, processes, dask-local or dask://HOST:PORT"
    )


SeedLike = int | np.random.SeedSequence | np.random.Generator


def _seed_sequence(seed: SeedLike) -> np.random.SeedSequence:
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        seq = seed.bit_generator.seed_seq
        if not isinstance(seq, np.random.SeedSequence):
            raise RunnerError("the generator has no SeedSequence; pass an int seed instead")
        return seq
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise RunnerError(
            f"a sweep seed must be a non-negative int or a SeedSequence, got {seed!r}"
        )
    return np.random.SeedSequence(int(seed))


def task_seed(seed: int | np.random.SeedSequence, index: int) -> np.random.SeedSequence:
    """The seed sequence of task ``index`` of a sweep seeded by ``seed``.

    Examples
    --------
    >>> child = task_seed(5, 2)
    >>> child.spawn_key, child.entropy == np.random.SeedSequence(5).spawn(3)[2].entropy
    ((2,), True)
    """
    parent = _seed_sequence(seed)
    return np.random.SeedSequence(parent.entropy, spawn_key=(*parent.spawn_key, int(index)))


# --------------------------------------------------------------------------------------------
# Functions travel to workers by reference: module name, qualified name and source file, so that
# functions of scripts loaded from a path (experiments, tests) can be found by worker processes.


@dataclass(frozen=True)
class _FunctionRef:
    module: str
    qualname: str
    file: str | None

    @classmethod
    def of(cls, fn: Callable[..., Any]) -> _FunctionRef:
        module = getattr(fn, "__module__", None)
        qualname = getattr(fn, "__qualname__", "")
        if not module or "<locals>" in qualname or "<lambda>" in qualname:
            raise RunnerError(
                f"task function {fn!r} must be defined at module level (not a lambda or a "
                "nested function) so that worker processes can find it"
            )
        mod = sys.modules.get(module)
        file = getattr(mod, "__file__", None)
        return cls(module, qualname, None if file is None else str(Path(file).resolve()))

    def resolve(self) -> Callable[..., Any]:
        mod = sys.modules.get(self.module)
        if mod is None and self.module != "__main__":
            try:
                found = importlib.util.find_spec(self.module)
            except (ImportError, ValueError):
                found = None
            origin = getattr(found, "origin", None)
            if found is not None and (
                self.file is None or origin is None or Path(origin).resolve() == Path(self.file)
            ):
                mod = importlib.import_module(self.module)
        if mod is None:
            if self.file is None:
                raise RunnerError(f"cannot import module {self.module!r} in a worker")
            name = self.module if self.module != "__main__" else "_sahelmodel_task_main"
            spec = importlib.util.spec_from_file_location(name, self.file)
            if spec is None or spec.loader is None:
                raise RunnerError(f"cannot load {self.file} in a worker")
            mod = importlib.util.module_from_spec(spec)
            sys.modules[name] = mod
            spec.loader.exec_module(mod)
        obj: Any = mod
        for part in self.qualname.split("."):
            obj = getattr(obj, part)
        return obj


def _execute(
    ref: _FunctionRef | Callable[..., Any], entropy: Any, spawn_key: tuple[int, ...],
    params: Mapping[str, Any],
) -> tuple[Any, float]:
    """Run one task in whatever process it landed in; return its result and its seconds."""
    fn = ref.resolve() if isinstance(ref, _FunctionRef) else ref
    rng = np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=spawn_key))
    start = time.perf_counter()
    result = fn(rng, **dict(params))
    return result, time.perf_counter() - start


@dataclass(frozen=True)
class Runner:
    """How sweeps are run: scheduler, workers, output folder, resume and progress bars.

    Parameters
    ----------
    scheduler : str
        ``serial``, ``processes`` (local worker processes, the default), ``dask-local`` (a
        :class:`distributed.LocalCluster` started for the sweep) or ``dask://HOST:PORT`` (an
        existing Dask scheduler; its workers need sahelmodel installed and the task's source
        file at the same path).
    n_workers : int, optional
        Worker processes for ``processes`` and ``dask-local`` (default: number of CPUs).
    out_dir : path, optional
        Folder for task results. Without it, nothing is stored and nothing can be resumed.
    resume : bool
        Skip tasks whose results are already stored in ``out_dir``.
    progress : bool
        Show a tqdm progress bar on standard error.

    Examples
    --------
    Any module-level function ``fn(rng, **params)`` can be a task; here numpy's own
    ``Generator.normal``:

    >>> import numpy as np
    >>> tasks = [{"loc": 0.0}, {"loc": 10.0}, {"loc": 20.0}]
    >>> a = Runner(scheduler="serial").map(np.random.Generator.normal, tasks, seed=7, name="demo")
    >>> a[0] == np.random.default_rng(task_seed(7, 0)).normal(loc=0.0)
    True
    """

    scheduler: str = "processes"
    n_workers: int | None = None
    out_dir: Path | None = None
    resume: bool = False
    progress: bool = False

    def __post_init__(self) -> None:
        parse_scheduler(self.scheduler)
        if self.n_workers is not None and self.n_workers < 1:
            raise RunnerError(f"n_workers must be at least 1, got {self.n_workers}")
        if self.resume and self.out_dir is None:
            raise RunnerError("resume needs an output folder (out_dir)")

    def map(
        self,
        fn: Callable[..., Any],
        tasks: Sequence[Task | Mapping[str, Any]],
        *,
        seed: int | np.random.SeedSequence | np.random.Generator,
        name: str,
    ) -> list[Any]:
        """Run ``fn(rng, **task.params)`` for every task; return the results in task order.

        Parameters
        ----------
        fn : callable
            A module-level function ``fn(rng, **params)`` returning JSON-like data (numbers,
            strings, lists, dicts, numpy arrays).
        tasks : sequence of Task or dict
            The work; plain dicts become tasks keyed ``t00000``, ``t00001``, ...
        seed : int or numpy.random.SeedSequence
            Seed of the sweep; task ``i`` gets child ``i`` (see :func:`task_seed`).
        name : str
            Name of the sweep; its results go to ``out_dir/name/``.

        Returns
        -------
        list
            One result per task, in the order of ``tasks``, as read back from JSON.
        """
        return run_tasks(fn, tasks, seed=seed, name=name, runner=self)


def _as_tasks(tasks: Sequence[Task | Mapping[str, Any]]) -> list[Task]:
    width = max(5, len(str(max(len(tasks) - 1, 0))))
    out = [
        t if isinstance(t, Task) else Task(key=f"t{i:0{width}d}", params=dict(t))
        for i, t in enumerate(tasks)
    ]
    keys = [t.key for t in out]
    if len(set(keys)) != len(keys):
        dup = next(k for k in keys if keys.count(k) > 1)
        raise RunnerError(f"task key {dup!r} occurs more than once")
    return out


def _progress(total: int, initial: int, desc: str, enabled: bool) -> Any:
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=initial, desc=desc, unit="task",
                disable=None if enabled else True,  # None: only on a terminal
                leave=False, file=sys.stderr)


def run_tasks(
    fn: Callable[..., Any],
    tasks: Sequence[Task | Mapping[str, Any]],
    *,
    seed: int | np.random.SeedSequence | np.random.Generator,
    name: str,
    runner: Runner | None = None,
) -> list[Any]:
    """Run a sweep; see :class:`Runner` and :meth:`Runner.map`.

    Examples
    --------
    >>> import numpy as np
    >>> out = run_tasks(np.random.Generator.poisson, [{"lam": 3.0}] * 4, seed=1, name="demo",
    ...                 runner=Runner(scheduler="serial"))
    >>> len(out), all(isinstance(x, int) for x in out)
    (4, True)
    """
    runner = runner or Runner()
    kind, address = parse_scheduler(runner.scheduler)
    task_list = _as_tasks(tasks)
    parent = _seed_sequence(seed)
    ref = _FunctionRef.of(fn)
    store = None
    if runner.out_dir is not None:
        manifest = {
            "name": name,
            "function": f"{ref.module}.{ref.qualname}",
            "seed_entropy": parent.entropy,
            "seed_spawn_key": list(parent.spawn_key),
            "n_tasks": len(task_list),
            "tasks_sha256": fingerprint([t.key for t in task_list],
                                        [t.params for t in task_list]),
            "package_version": _package_version(),
        }
        store = SweepStore(Path(runner.out_dir) / name, manifest)
        store.prepare(resume=runner.resume)

    try:
        return _run_stored(task_list, parent, ref, kind, address, name, runner, store)
    finally:
        if store is not None:
            store.close()


def _package_version() -> str:
    from sahelmodel import __version__

    return __version__


def _run_stored(task_list, parent, ref, kind, address, name, runner, store) -> list[Any]:
    results: list[Any] = [None] * len(task_list)
    pending: list[int] = []
    for i, task in enumerate(task_list):
        record = None
        if store is not None and runner.resume:
            child = task_seed(parent, i)
            record = store.load(task.key, {
                "index": i, "params": dict(task.params), "seed_entropy": child.entropy,
                "seed_spawn_key": list(child.spawn_key)})
        if record is None:
            pending.append(i)
        else:
            results[i] = record["result"]

    def finish(i: int, value: Any, seconds: float) -> None:
        task = task_list[i]
        if store is None:
            results[i] = roundtrip(value)
            return
        child = task_seed(parent, i)
        record = store.save(task.key, {
            "key": task.key, "index": i, "params": dict(task.params),
            "seed_entropy": child.entropy, "seed_spawn_key": list(child.spawn_key),
            "seconds": seconds, "result": value,
        })
        results[i] = record["result"]

    def args(i: int) -> tuple[Any, ...]:
        child = task_seed(parent, i)
        return ref, child.entropy, tuple(child.spawn_key), dict(task_list[i].params)

    bar = _progress(len(task_list), len(task_list) - len(pending), name, runner.progress)
    try:
        if not pending:
            pass
        elif kind == "serial":
            for i in pending:
                value, seconds = _run_guarded(name, task_list[i].key, _execute, *args(i))
                finish(i, value, seconds)
                bar.update(1)
        elif kind == "processes":
            _run_processes(runner, name, task_list, pending, args, finish, bar)
        else:
            _run_dask(runner, kind, address, name, task_list, pending, args, finish, bar)
    finally:
        bar.close()
    return results


def _run_guarded(name: str, key: str, fn: Callable[..., Any], *a: Any) -> Any:
    try:
        return fn(*a)
    except RunnerError:
        raise
    except Exception as exc:
        raise TaskError(
            f"task {key!r} of sweep {name!r} failed: {type(exc).__name__}: {exc}"
        ) from exc


def _run_processes(runner, name, task_list, pending, args, finish, bar) -> None:
    workers = min(runner.n_workers or os.cpu_count() or 1, len(pending))
    with ProcessPoolExecutor(max_workers=workers, initializer=_die_with_parent) as pool:
        futures = {pool.submit(_execute, *args(i)): i for i in pending}
        try:
            remaining = set(futures)
            while remaining:
                done, remaining = wait(remaining, return_when=FIRST_COMPLETED)
                for fut in sorted(done, key=lambda f: futures[f]):
                    i = futures[fut]
                    value, seconds = _run_guarded(name, task_list[i].key, fut.result)
                    finish(i, value, seconds)
                    bar.update(1)
        except BaseException:
            for fut in futures:
                fut.cancel()
            raise


def _die_with_parent() -> None:
    """Make a worker process end when the process that started it ends, however it ends.

    On Linux the kernel sends the worker SIGKILL when its parent dies (``PR_SET_PDEATHSIG``);
    everywhere a daemon thread also checks once a second whether the worker has been
    re-parented (its parent died) and ends the process. Without this a killed sweep leaves
    its workers running (each holding its memory) until their current task ends, or forever.
    """
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):  # pragma: no cover - exotic libc
            pass
        if os.getppid() != parent:  # pragma: no cover - parent died before prctl
            os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    import threading

    threading.Thread(target=watch, name="sahelmodel-parent-watch", daemon=True).start()


def _import_distributed(kind: str) -> Any:
    try:
        import distributed
    except ImportError:
        label = "dask-local" if kind == "dask-local" else "dask://HOST:PORT"
        raise RunnerError(_DASK_HINT.format(name=label)) from None
    return distributed


def _portable(task_args: tuple[Any, ...]) -> tuple[Any, ...]:
    """Make a task's function travel to Dask workers.

    A function whose module cannot be imported by name (a script loaded from a file, such as
    an experiment) is sent by value with cloudpickle, so that workers on other machines need
    only sahelmodel installed, not the script at the same path.
    """
    ref = task_args[0]
    try:
        importable = importlib.util.find_spec(ref.module) is not None
    except (ImportError, ValueError):
        importable = False
    if importable or ref.module not in sys.modules:
        return task_args
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[ref.module])
    return (ref.resolve(), *task_args[1:])


def _run_dask(runner, kind, address, name, task_list, pending, args, finish, bar) -> None:
    distributed = _import_distributed(kind)
    cluster = None
    try:
        if kind == "dask-local":
            workers = min(runner.n_workers or os.cpu_count() or 1, len(pending))
            cluster = distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True,
                dashboard_address=None, silence_logs=40,
            )
            client = distributed.Client(cluster)
        else:
            try:
                client = distributed.Client(address, timeout=DASK_CONNECT_TIMEOUT)
            except OSError as exc:
                raise RunnerError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        try:
            stamp = f"{os.getpid()}-{time.time_ns()}"
            futures = {
                client.submit(_execute, *_portable(args(i)),
                              key=f"{name}-{task_list[i].key}-{stamp}", pure=False): i
                for i in pending
            }
            for fut in distributed.as_completed(list(futures)):
                i = futures[fut]
                value, seconds = _run_guarded(name, task_list[i].key, fut.result)
                finish(i, value, seconds)
                bar.update(1)
        finally:
            client.close()
    finally:
        if cluster is not None:
            cluster.close()
