"""TEST DOUBLE of awsglue.context (see awsglue/__init__.py): a GlueContext that is only a SparkSession holder."""
import logging

from pyspark.sql import SparkSession


class GlueContext:
    def __init__(self, spark_context, **_options):
        self._sc = spark_context
        self.spark_session = SparkSession(spark_context)

    def get_logger(self):
        # Real Glue returns a log4j-backed GlueLogger (info/warn/error); a Python logger has the same three calls.
        logger = logging.getLogger("glue-harness")
        if not logger.handlers:
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
            logger.addHandler(handler)
            logger.setLevel(logging.INFO)
        return logger
