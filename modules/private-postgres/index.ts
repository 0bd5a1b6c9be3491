export * from './props';
export * from './private-postgres';
export * from './bootstrap';
export * from './alarms';
export * from './upgrades';
