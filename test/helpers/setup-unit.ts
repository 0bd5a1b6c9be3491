import * as fs from 'node:fs';
import * as path from 'node:path';
// Jest matchers for synthesized Terraform (toHaveResourceWithProperties, toBeValidTerraform, ...).
import 'cdktf/lib/testing/adapters/jest';
import { Testing } from '../../modules/core';

// cdktf's Testing writes outdirs under os.tmpdir(): keep them inside the project and out of /tmp.
const tmp = path.resolve(__dirname, '..', '..', '.build', 'tmp');
fs.mkdirSync(tmp, { recursive: true });
process.env.TMPDIR = tmp;
Testing.setupJest();
