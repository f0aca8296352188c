"""Live delivery: send planned requests to Attio, paced, retried, in order per record, resumable.

- ``ordering``: the job queue that keeps each record's requests in input order.
- ``pacing``: the rate limiter and the retry policy.
- ``sender``: the worker threads that send jobs, as the pipeline's request writer.
- ``ledger``: event outcomes (delivered, rejected, failed) from job results.
- ``state``: the ``--state`` file that a resumed run reads.
- ``progress``: the progress bar on stderr.
- ``live``: one live run, wiring the parts together.
"""
