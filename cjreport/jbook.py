"""`jupyter-book build` with Sphinx's parallel reading: `python -m cjreport.jbook build …` takes the CLI's own
arguments. Jupyter Book 1's CLI has no `-j`, but its build_sphinx does (`jobs`); reading is where the chapters
execute, so on this project's two cores two chapters run at once. Every extension the book loads declares itself
parallel-safe (cjreport.sphinx_ext sets it for the two that do not say, see `_declare_parallel_safe`).
CJREPORT_JOBS sets the number of processes (default: the machine's cores, at most 4).

The chapters' kernels talk to the build over private Unix sockets, not TCP ports: see `private_socket_kernels`."""

from __future__ import annotations

import functools
import os
import tempfile
import uuid


def private_socket_kernels() -> None:
    """Start every chapter's kernel on Unix sockets under a name of its own.

    With TCP, jupyter_client picks a kernel's five ports by binding to port 0 and closing the socket again; the
    kernel binds them a moment later. Two build processes starting kernels at once can be handed the same free
    port, and one kernel then dies with "Address already in use" (seen once, in a fresh clone's six-source fixture
    build). Sockets named after a random token cannot collide, and no other program can take them. MyST-NB runs
    chapters through jupyter_cache, whose executor calls nbclient's `execute` with no way to choose the kernel
    manager, so the executor's reference to `execute` is what is replaced; the build's worker processes are forked
    from this one and inherit it."""
    from jupyter_cache.executors import utils
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import execute

    class PrivateSocketKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            kwargs.setdefault("transport", "ipc")
            # a socket's path must stay under 108 bytes; the kernel adds "-<n>" for each of its five sockets
            kwargs.setdefault("ip", os.path.join(tempfile.gettempdir(), f"cjreport-kernel-{uuid.uuid4().hex[:16]}"))
            super().__init__(**kwargs)

    utils.executenb = functools.partial(execute, kernel_manager_class=PrivateSocketKernelManager)


def stop_workers_at_exit() -> None:
    """Terminate any reading process still running when the build exits.

    When a chapter fails, Sphinx's parallel reader raises in this process while another worker may still be
    sending its chapter's result and logs back through a pipe; nothing reads the pipe any more, the worker blocks
    once the pipe's buffer is full, and multiprocessing's own exit handler then waits for it forever (seen twice
    in `test_failing_chapter_fails_the_build`: py-spy showed the worker in `Connection._send`, this process in
    `multiprocessing.util._exit_function`). An exit handler registered after multiprocessing's runs before it
    (atexit is last in, first out) and stops such workers, so a failing build fails instead of hanging. A build
    that succeeds has joined every worker, so there is nothing to stop."""
    import atexit
    import multiprocessing
    import multiprocessing.util  # registers multiprocessing's exit handler first, so that this one runs before it

    def stop() -> None:
        for worker in multiprocessing.active_children():
            worker.terminate()
            worker.join(5)

    atexit.register(stop)


def main() -> None:
    import sys

    sys.modules.setdefault("rfc3987_syntax", None)  # see cjreport/build.py, LEAN_STARTUP
    import jupyter_book.sphinx
    from jupyter_book.cli.main import main as cli

    jobs = int(os.environ.get("CJREPORT_JOBS") or min(4, os.cpu_count() or 1))
    # the CLI imports build_sphinx from this module when it builds, so the partial is what it calls
    jupyter_book.sphinx.build_sphinx = functools.partial(jupyter_book.sphinx.build_sphinx, jobs=jobs)
    private_socket_kernels()
    stop_workers_at_exit()
    cli()


if __name__ == "__main__":
    main()
