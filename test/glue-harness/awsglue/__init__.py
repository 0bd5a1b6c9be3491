"""TEST DOUBLE of the part of AWS Glue's `awsglue` library that templates/glue scripts import. Not AWS code.

It lets the real job scripts run unchanged under PySpark local mode (test/glue-harness/README.md). What real Glue does
that this does not:
- DynamicFrame is only a DataFrame holder (`toDF`); `create_dynamic_frame.from_catalog` reads a crawled MySQL table
  of the Glue Data Catalog (moto's) through its JDBC connection with one plain Spark JDBC query (context.py says what
  Glue's reader does that it does not); no `write_dynamic_frame`, no other sources (the ETL scripts use plain Spark
  DataFrames and JDBC; the graph jobs read the catalog and convert to a DataFrame at once);
- no job bookmarks: `Job.init` / `Job.commit` only record the calls (the ETL pipeline keeps its own watermark in S3 and
  runs with `--job-bookmark-option job-bookmark-disable`);
- no security configuration (S3/CloudWatch/bookmark encryption), no Glue connections (VPC ENIs, `JDBC_ENFORCE_SSL`,
  `SECRET_ID`), no `--extra-py-files` download, no continuous logging, no metrics, no worker sizing or timeout:
  the harness starts `spark-submit --master local[2]` with the script's directory on PYTHONPATH;
- the logger is a plain Python logger, not Glue's log4j-backed GlueLogger.
"""
