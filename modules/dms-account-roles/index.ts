export * from './props';
export * from './dms-account-roles';
