"""TEST DOUBLE of awsglue.job (see awsglue/__init__.py): init/commit are recorded, no bookmark state is kept."""


class Job:
    def __init__(self, glue_context):
        self._context = glue_context
        self.name = None
        self.committed = False

    def init(self, job_name, args=None):
        self.name = job_name
        self.args = dict(args or {})

    def commit(self):
        if self.name is None:
            raise RuntimeError("Job.commit called before Job.init")
        self.committed = True
