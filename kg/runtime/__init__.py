"""How a build runs: forked worker processes and a paused garbage collector.

- :mod:`kg.runtime.workers`: ``run_concurrently``, tasks in forked children.
- :mod:`kg.runtime.gc_pause`: the cyclic collector paused while large structures are built.
"""
