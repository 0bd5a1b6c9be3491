"""TEST DOUBLE of the part of AWS Glue's `awsglue` library that templates/glue scripts import. Not AWS code.

It lets the real job scripts run unchanged under PySpark local mode (test/glue-harness/README.md). What real Glue does
that this does not:
- no DynamicFrame, no Glue Data Catalog, no `create_dynamic_frame` / `write_dynamic_frame` (the ETL scripts use plain
  Spark DataFrames and JDBC, so nothing here needs them);
- no job bookmarks: `Job.init` / `Job.commit` only record the calls (the ETL pipeline keeps its own watermark in S3 and
  runs with `--job-bookmark-option job-bookmark-disable`);
- no security configuration (S3/CloudWatch/bookmark encryption), no Glue connections (VPC ENIs, `JDBC_ENFORCE_SSL`,
  `SECRET_ID`), no `--extra-py-files` download, no continuous logging, no metrics, no worker sizing or timeout:
  the harness starts `spark-submit --master local[2]` with the script's directory on PYTHONPATH;
- the logger is a plain Python logger, not Glue's log4j-backed GlueLogger.
"""
