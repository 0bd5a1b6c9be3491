"""TEST DOUBLE of awsglue.dynamicframe (see awsglue/__init__.py): a DataFrame wrapper with toDF() only. Real
DynamicFrames carry choice types and self-describing records, and offer transforms (apply_mapping, resolveChoice, ...)
and writers; the graph jobs convert to a DataFrame at once (glue_source.read_table), so nothing else is needed."""


class DynamicFrame:
    def __init__(self, df, glue_ctx=None, name=""):
        self._df = df
        self.glue_ctx = glue_ctx
        self.name = name

    def toDF(self):  # noqa: N802 (awsglue's name)
        return self._df

    def count(self):
        return self._df.count()
