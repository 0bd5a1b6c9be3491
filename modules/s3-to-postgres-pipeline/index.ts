export * from './props';
export * from './s3-to-postgres-pipeline';
