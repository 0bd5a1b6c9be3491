import { App, MigrationStack } from '../../modules/core';
import { CONFIG } from './config';
import { ProductGraphStack } from './stack';

export function register(app: App): MigrationStack[] {
  return [
    new ProductGraphStack(app, 'product-graph-staging', CONFIG.staging),
    new ProductGraphStack(app, 'product-graph-production', CONFIG.production),
  ];
}
