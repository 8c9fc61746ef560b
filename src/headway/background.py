"""Headway's background work: one runner for every feature whose work is too long for a web request.

Work is a `django-tasks <https://pypi.org/project/django-tasks/>`_ task (the backport of Django 6's tasks
framework) stored in the database by ``django-tasks-db``'s ``DatabaseBackend`` and run by its worker,
``headway db_worker``. The queue is a table in Headway's own database, so it works the same on SQLite and
PostgreSQL and needs no broker (Redis, RabbitMQ) for an authority to run. Tasks are defined per domain
(``headway.imports.tasks``, ``headway.support.tasks``, ``headway.risk.tasks``, ``headway.concerns.tasks``) with
:func:`task` and handed over with :func:`enqueue`; a feature keeps its own record of progress (an import's rows
read and problems so far are on ``ImportJob``, a review group pack's PDF on ``MeetingPack``) and reads a task's
state back with :func:`state`.

A page that follows a task keeps its id in the person's session (:func:`remember`; :func:`recall` answers 404 to
anyone else), shows :func:`waiting_page` (``background/task.html``) while it waits or runs, and then its result.

Tests run tasks at once (``django_tasks``' ImmediateBackend, set in ``tests/conftest.py``) unless they say
otherwise; :func:`run_pending` runs the database queue's waiting tasks in this process (the worker's own loop in
batch mode), for tests and for ``--background`` commands that want to wait.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django_tasks import TaskResultStatus, default_task_backend, task
from django_tasks.base import Task, TaskResult
from django_tasks.exceptions import TaskResultDoesNotExist

__all__ = [
    "WORKER_COMMAND",
    "TaskState",
    "done_answer",
    "enqueue",
    "forget",
    "polled",
    "recall",
    "remember",
    "run_pending",
    "state",
    "task",
    "unfinished",
    "waiting_page",
]

P = ParamSpec("P")
T = TypeVar("T")

#: The command that runs the background worker (``headway db_worker``), for documentation and scripts.
WORKER_COMMAND = "db_worker"

#: What people are told about each state of a task.
STATUS_WORDS = {
    TaskResultStatus.READY: "waiting",
    TaskResultStatus.RUNNING: "running",
    TaskResultStatus.SUCCESSFUL: "finished",
    TaskResultStatus.FAILED: "failed",
}


@dataclass(frozen=True)
class TaskState:
    """Where a task has got to: ``waiting``, ``running``, ``finished`` or ``failed``, with what it returned."""

    id: str
    status: str
    return_value: Any
    enqueued_at: dt.datetime | None
    finished_at: dt.datetime | None

    @property
    def done(self) -> bool:
        return self.status in {"finished", "failed"}


def _state(result: TaskResult[Any]) -> TaskState:
    status = STATUS_WORDS.get(result.status, "waiting")
    return TaskState(
        id=str(result.id),
        status=status,
        return_value=result.return_value if status == "finished" else None,
        enqueued_at=result.enqueued_at,
        finished_at=result.finished_at,
    )


def enqueue(work: Task[P, T], *args: P.args, **kwargs: P.kwargs) -> TaskState:
    """Hand ``work`` to the runner; its arguments must be JSON (ids and strings, never model instances)."""
    return _state(work.enqueue(*args, **kwargs))


def state(task_id: str) -> TaskState | None:
    """The task's state now, or None if the runner has no such task (or cannot say: ImmediateBackend)."""
    if not default_task_backend.supports_get_result:
        return None
    try:
        return _state(default_task_backend.get_result(task_id))
    except TaskResultDoesNotExist:
        return None


#: How long a waiting or running task holds back the same work (``unfinished``): a task left "running" by a worker
#: that died, or waiting for a worker that is not running, stops blocking the button after this.
UNFINISHED_FOR = dt.timedelta(hours=1)


def unfinished(work: Task[Any, Any], first_argument: Any) -> bool:
    """Whether a task of ``work`` whose first argument is ``first_argument`` (an authority's id, say) was handed
    over in the last ``UNFINISHED_FOR`` and is waiting or running, so that a second click of the same button does
    not start the same work twice. Always False where the runner keeps no queue (ImmediateBackend, in tests: a
    task has finished before the next request)."""
    from django.utils import timezone
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(work.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        task_path=work.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        args_kwargs__args__0=first_argument,
        enqueued_at__gte=timezone.now() - UNFINISHED_FOR,
    ).exists()


def run_pending(*, max_tasks: int | None = None) -> int:
    """Run the database queue's waiting tasks here and now, one at a time as the worker does, then return how
    many ran. Unlike ``headway db_worker`` it leaves the caller's database connection alone (the worker closes
    connections it finds idle or in a transaction, which would end a caller's, or a test's, transaction)."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id="headway-in-process",
        excluded_queue_names=[],
    )
    ran = 0
    while max_tasks is None or ran < max_tasks:
        waiting = DBTaskResult.objects.ready().filter(backend_name="default")
        with exclusive_transaction(waiting.db):
            claimed = waiting.get_locked()
            if claimed is not None:
                claimed.claim(worker.worker_id)
        if claimed is None:
            return ran
        worker.run_task(claimed)
        ran += 1
    return ran


# Pages that follow a task ------------------------------------------------------------------------------------------

#: How many of one kind of task a session remembers (the oldest are forgotten).
REMEMBERED = 10


def _session_key(kind: str) -> str:
    return f"background:{kind}"


def remember(request: HttpRequest, kind: str, started: TaskState) -> None:
    """Keep ``started`` in the person's session under ``kind`` (``"risk-training"``, say), so that only whoever
    started it may follow it (:func:`recall`). A task that ended at once (tests' ImmediateBackend) is kept with
    its result, which must be JSON, since the runner cannot be asked about it later."""
    key = _session_key(kind)
    kept = [entry for entry in request.session.get(key, []) if entry.get("id") != started.id][-(REMEMBERED - 1) :]
    entry: dict[str, Any] = {"id": started.id}
    if started.done:
        entry.update(status=started.status, return_value=started.return_value)
    request.session[key] = [*kept, entry]


def recall(request: HttpRequest, kind: str, task_id: str) -> TaskState:
    """The state of a task this session started (:func:`remember`); 404 for anyone else's, or an unknown one."""
    for entry in request.session.get(_session_key(kind), []):
        if entry.get("id") != task_id:
            continue
        if "status" in entry:
            return TaskState(task_id, entry["status"], entry.get("return_value"), None, None)
        now = state(task_id)
        if now is not None:
            return now
    raise Http404("No such piece of work.")


def forget(request: HttpRequest, kind: str, task_id: str) -> None:
    """Stop following the task (its result has been shown)."""
    key = _session_key(kind)
    request.session[key] = [entry for entry in request.session.get(key, []) if entry.get("id") != task_id]


def polled(request: HttpRequest) -> bool:
    """True when the waiting page's script is asking whether the work is done (header ``X-Headway-Poll``): a view
    whose result page does something once (a message, a redirect) answers :func:`done_answer` instead."""
    return request.headers.get("X-Headway-Poll") == "1"


def done_answer() -> HttpResponse:
    """The answer to a poll once the work is done: the page reloads itself and shows the result."""
    return HttpResponse(status=204)


def waiting_page(
    request: HttpRequest, now: TaskState, *, title: str, explanation: str, back_url: str, back_text: str
) -> HttpResponse:
    """The page shown while a task waits or runs (``background/task.html``): it asks for itself again (with the
    header :func:`polled` finds) until the view behind it answers with something else, then reloads."""
    return render(
        request,
        "background/task.html",
        {
            "title": title,
            "status": now.status,
            "explanation": explanation,
            "back_url": back_url,
            "back_text": back_text,
        },
    )
