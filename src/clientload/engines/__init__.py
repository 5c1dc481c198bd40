"""Engines other than the embedded DuckDB store that run the same Ibis model.

`clientload.engines.spark.open_spark` exports the workspace's input tables to Parquet and opens
them on PySpark (local or a cluster). Each engine is an optional extra, imported lazily.
"""
