export interface DmsAccountRolesProps {
  /**
   * `create`: this stack creates `dms-vpc-role` and `dms-cloudwatch-logs-role` (exactly one stack per account may).
   * `adopt`: they exist already (created by another stack, the console, or DMS itself); this stack only looks
   * them up, so tasks still depend on them.
   */
  readonly mode: 'create' | 'adopt';
  /**
   * Seconds to wait after creating the roles before any DMS resource uses them: IAM is eventually consistent
   * and DMS fails with "The IAM Role arn:aws:iam::...:role/dms-vpc-role is not configured properly" when the
   * subnet group is created right after the role. 0 disables the wait (e.g. when `mode` is `adopt`).
   * @default 30 when mode is `create`, 0 when `adopt`
   */
  readonly propagationWaitSeconds?: number;
}
