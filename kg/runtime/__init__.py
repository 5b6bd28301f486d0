"""How a build runs: forked worker processes and a paused garbage collector.

- :mod:`kg.runtime.workers`: ``run_concurrently``, tasks in forked children; an
  ``Afresh`` task in a child re-executed as a new interpreter, given only its arguments.
- :mod:`kg.runtime.resume`: where such a child starts.
- :mod:`kg.runtime.gc_pause`: the cyclic collector paused while large structures are built.
"""
