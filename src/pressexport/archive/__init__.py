"""The archive machinery: batch builds with a record of what each edition was made from, warm local
workers or a Dask cluster, and the batch's display.

Nothing is imported here: each module is imported by its own name."""
