import { substituteProviderInput } from '../../../../tools/verify/runners';

describe('verify: validate with a substitute provider', () => {
  const stack = {
    terraform: {
      required_version: '>= 1.11.0',
      required_providers: { aws: { source: 'aws', version: '6.25.0' }, archive: { source: 'hashicorp/archive', version: '2.7.0' } },
      backend: { s3: { bucket: 'state' } },
    },
    resource: { aws_s3_bucket: { b: { bucket: 'x' } } },
  };

  test('only the aws provider version changes; every resource, the backend and other providers stay as synthesized', () => {
    const copy = substituteProviderInput(stack, '5.100.0');
    expect(copy).toEqual({
      ...stack,
      terraform: {
        ...stack.terraform,
        required_providers: { aws: { source: 'aws', version: '5.100.0' }, archive: { source: 'hashicorp/archive', version: '2.7.0' } },
      },
    });
    // The stack itself is not modified (verify reports on the synthesized file).
    expect(stack.terraform.required_providers.aws.version).toBe('6.25.0');
  });

  test('a stack without an aws provider is an error, not a silent pass', () => {
    expect(() => substituteProviderInput({ terraform: { required_providers: {} } }, '5.100.0')).toThrow(/no aws provider/);
  });
});
