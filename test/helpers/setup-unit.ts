// Jest matchers for synthesized Terraform (toHaveResourceWithProperties, toBeValidTerraform, ...).
import 'cdktf/lib/testing/adapters/jest';
import { Testing } from '../../modules/core';

Testing.setupJest();
