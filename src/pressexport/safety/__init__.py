"""The safety layer: what keeps untrusted content and runaway work in bounds (paths inside the content
root, atomic writes, remote fetches and their hosts, the sandboxed resource fetcher, worker processes'
deadlines and memory ceilings).

Nothing is imported here: each module is imported by its own name."""
