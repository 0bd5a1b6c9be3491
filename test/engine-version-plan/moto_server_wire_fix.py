"""moto_server with one fix to its DMS wire format, so the AWS SDK for Go (terraform-provider-aws) can read it.

moto 5.2.5 answers DescribeReplicationInstances/CreateReplicationInstance with InstanceCreateTime as an ISO-8601
string (moto/dms/models.py, FakeReplicationInstance.to_dict: `self.creation_date.isoformat()`). DMS speaks the
awsJson1_1 protocol, whose timestamps are epoch seconds as JSON numbers; the Go SDK refuses the string ("deserialization
failed ... expected TStamp to be a JSON Number, got string instead") and the provider cannot create or read the
instance. This sends the same instant as epoch seconds; nothing else in moto changes.
    python moto_server_wire_fix.py -p PORT
"""
import sys

from moto.dms import models
from moto.server import main

_to_dict = models.FakeReplicationInstance.to_dict


def to_dict(self):
    out = _to_dict(self)
    out["InstanceCreateTime"] = self.creation_date.timestamp()
    return out


models.FakeReplicationInstance.to_dict = to_dict

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
